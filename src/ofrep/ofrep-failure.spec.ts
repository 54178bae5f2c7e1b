import { problem } from '../shared/index.js';
import { ofrepFailureBody } from './ofrep-failure.js';

describe('ofrepFailureBody', () => {
  it('gives 401, 403 and 429 no body', () => {
    for (const [status, code] of [
      [401, 'UNAUTHENTICATED'],
      [403, 'ENVIRONMENT_FORBIDDEN'],
      [429, 'TOO_MANY_FAILED_AUTHENTICATIONS'],
    ] as const)
      expect(ofrepFailureBody(problem(status, code, 'no'), 'f')).toBeUndefined();
  });

  it("maps Flagledger's codes to OFREP's, naming the key on the single-flag route only", () => {
    expect(ofrepFailureBody(problem(404, 'FLAG_NOT_FOUND', 'gone'), 'f')).toEqual({
      key: 'f',
      errorCode: 'FLAG_NOT_FOUND',
      errorDetails: 'gone',
    });
    expect(ofrepFailureBody(problem(400, 'MALFORMED_JSON', 'bad'), undefined)).toEqual({
      errorCode: 'PARSE_ERROR',
      errorDetails: 'bad',
    });
    const notObject = problem(400, 'VALIDATION_FAILED', 'body: no', [{ field: 'body', message: 'no' }]);
    expect(ofrepFailureBody(notObject, 'f')).toMatchObject({ errorCode: 'PARSE_ERROR' });
    const badContext = problem(400, 'VALIDATION_FAILED', 'context: no', [{ field: 'context', message: 'no' }]);
    expect(ofrepFailureBody(badContext, 'f')).toMatchObject({ errorCode: 'INVALID_CONTEXT' });
    expect(ofrepFailureBody(problem(413, 'BODY_TOO_LARGE', 'big'), 'f')).toMatchObject({ errorCode: 'PARSE_ERROR' });
    expect(ofrepFailureBody(problem(404, 'ENVIRONMENT_NOT_FOUND', 'e'), 'f')).toMatchObject({ errorCode: 'GENERAL' });
    expect(ofrepFailureBody(problem(500, 'INTERNAL_ERROR', 'bug'), 'f')).toEqual({ errorDetails: 'bug' });
  });
});
