import { NotFoundException, type ArgumentsHost } from '@nestjs/common';
import { FlagNotFoundError } from '../flags/index.js';
import { DomainError, ERROR_CODES, RetryLaterError, type ErrorCode } from '../shared/index.js';
import { HTTP_STATUS_BY_CODE } from './error-status.js';
import { ProblemDetailsFilter } from './problem-details.filter.js';

interface Answer {
  status: number;
  type: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** Runs the filter on `error` against a recording Express response. */
function answerTo(error: unknown): Answer {
  const answer: Answer = { status: 0, type: '', headers: {}, body: {} };
  const response = {
    headersSent: false,
    setHeader: (name: string, value: string) => void (answer.headers[name] = value),
    status(status: number) {
      answer.status = status;
      return this;
    },
    type(type: string) {
      answer.type = type;
      return this;
    },
    send(text: string) {
      answer.body = JSON.parse(text) as Record<string, unknown>;
      return this;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => response }) } as unknown as ArgumentsHost;
  new ProblemDetailsFilter().catch(error, host);
  return answer;
}

describe('error codes → HTTP statuses', () => {
  // The contract's statuses, written out so a change to the table shows up here as a decision.
  const expected: Record<ErrorCode, number> = {
    VALIDATION_FAILED: 400,
    UNSUPPORTED_MEDIA_TYPE: 415,
    BODY_TOO_LARGE: 413,
    INVALID_UTF8: 400,
    MALFORMED_JSON: 400,
    BAD_REQUEST_BODY: 400,
    UNAUTHENTICATED: 401,
    TOO_MANY_FAILED_AUTHENTICATIONS: 429,
    FORBIDDEN: 403,
    ENVIRONMENT_FORBIDDEN: 403,
    CSRF_FAILED: 403,
    TOKEN_NOT_FOUND: 404,
    TOKEN_NAME_TAKEN: 409,
    TOKEN_REVOKED: 409,
    FLAG_NOT_FOUND: 404,
    FLAG_EXISTS: 409,
    FLAG_ARCHIVED: 409,
    PRECONDITION_FAILED: 412,
    VERSION_CONFLICT: 412,
    IDEMPOTENCY_KEY_REUSED: 422,
    ENVIRONMENT_NOT_FOUND: 404,
    CHANGE_REQUEST_REQUIRED: 409,
    CHANGE_REQUEST_NOT_FOUND: 404,
    CHANGE_REQUEST_STATE: 409,
    CHANGE_REQUEST_APPROVAL_REFUSED: 403,
    CHANGE_REQUEST_CONFLICT: 409,
    ENVIRONMENT_EXISTS: 409,
    TOO_MANY_STREAMS: 429,
    SHUTTING_DOWN: 503,
    EMPTY_LOG: 409,
    REBUILD_IN_PROGRESS: 409,
    STORAGE_FULL: 503,
    STORAGE_UNAVAILABLE: 503,
  };

  it.each(ERROR_CODES.map((code) => [code, expected[code]]))('%s answers %i', (code, status) => {
    const answer = answerTo(new DomainError(code, `refused: ${code}`));
    expect(HTTP_STATUS_BY_CODE[code]).toBe(status);
    expect(answer).toMatchObject({ status, type: 'application/problem+json', body: { status, code } });
  });

  it('carries the domain error message and field errors into problem+json', () => {
    const answer = answerTo(new FlagNotFoundError('checkout', 'at version 7'));
    expect(answer.body).toEqual({
      type: 'https://flagledger.dev/problems/flag-not-found',
      title: 'Not Found',
      status: 404,
      detail: "flag 'checkout' does not exist at version 7",
      code: 'FLAG_NOT_FOUND',
    });
  });

  it('asks for a bearer token on 401 only', () => {
    expect(answerTo(new DomainError('UNAUTHENTICATED', 'no token')).headers).toEqual({
      'WWW-Authenticate': 'Bearer realm="flagledger"',
    });
    expect(answerTo(new DomainError('FORBIDDEN', 'no')).headers).toEqual({});
  });

  it('says when to retry a refusal that lifts by itself, in whole seconds', () => {
    const answer = answerTo(new RetryLaterError('TOO_MANY_FAILED_AUTHENTICATIONS', 'slow down', 42));
    expect(answer).toMatchObject({ status: 429, headers: { 'Retry-After': '42' } });
    expect(answerTo(new DomainError('TOO_MANY_STREAMS', 'no')).headers).toEqual({});
  });

  it('answers a database error of a full or unreachable store, from any read, with a 503 and Retry-After', () => {
    const full = answerTo(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }));
    expect(full).toMatchObject({ status: 503, body: { code: 'STORAGE_FULL' }, headers: { 'Retry-After': '2' } });
    const gone = answerTo(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    expect(gone).toMatchObject({ status: 503, body: { code: 'STORAGE_UNAVAILABLE' } });
    expect(JSON.stringify(gone.body)).not.toContain('5432');
  });

  it("maps Nest's own route-not-found to ROUTE_NOT_FOUND", () => {
    expect(answerTo(new NotFoundException('Cannot GET /nowhere')).body).toMatchObject({
      status: 404,
      code: 'ROUTE_NOT_FOUND',
    });
  });

  it('answers anything else with a 500 that says nothing of the cause', () => {
    const answer = answerTo(new Error('secret internals'));
    expect(answer.status).toBe(500);
    expect(answer.body).toMatchObject({ code: 'INTERNAL_ERROR' });
    expect(JSON.stringify(answer.body)).not.toContain('secret internals');
  });
});
