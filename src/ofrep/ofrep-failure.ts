import type { Response } from 'express';
import type { ProblemDetails } from '../shared/index.js';

/** OFREP 0.3's error codes a Flagledger refusal becomes. */
export type OfrepErrorCode = 'PARSE_ERROR' | 'INVALID_CONTEXT' | 'FLAG_NOT_FOUND' | 'GENERAL';

/** The codes of a body the server could not read as a request. */
const UNREADABLE_BODY: ReadonlySet<string> = new Set([
  'MALFORMED_JSON',
  'BODY_TOO_LARGE',
  'INVALID_UTF8',
  'UNSUPPORTED_MEDIA_TYPE',
  'BAD_REQUEST_BODY',
]);

/**
 * How OFREP carries a refusal: 401, 403 and 429 with no body (the spec gives them none, and clients read
 * only the status and Retry-After); a 5xx with `{errorDetails}`; every other status with
 * `{key, errorCode, errorDetails}`, `key` left out on the bulk route, which evaluates no one flag.
 * The status is the problem's, from the one table (error-status.ts): only the body's shape is OFREP's.
 */
export function ofrepFailureBody(refusal: ProblemDetails, flagKey: string | undefined): object | undefined {
  const { status, detail } = refusal;
  if (status === 401 || status === 403 || status === 429) return undefined;
  if (status >= 500) return { errorDetails: detail };
  return {
    ...(flagKey === undefined ? {} : { key: flagKey }),
    errorCode: ofrepErrorCode(refusal),
    errorDetails: detail,
  };
}

/** A body that is no JSON object could not be parsed as a request; other invalid fields are the context's. */
function ofrepErrorCode({ code, errors }: ProblemDetails): OfrepErrorCode {
  if (code === 'FLAG_NOT_FOUND') return 'FLAG_NOT_FOUND';
  if (UNREADABLE_BODY.has(code) || errors?.some((error) => error.field === 'body') === true) return 'PARSE_ERROR';
  if (code === 'VALIDATION_FAILED') return 'INVALID_CONTEXT';
  return 'GENERAL';
}

export function sendOfrepFailure(res: Response, refusal: ProblemDetails, flagKey: string | undefined): void {
  const body = ofrepFailureBody(refusal, flagKey);
  res.status(refusal.status);
  if (body === undefined) res.end();
  else res.json(body);
}
