import type { ErrorCode } from '../shared/index.js';

/** The HTTP status of every error code: the only place a refusal's status is decided. */
export const HTTP_STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = Object.freeze({
  VALIDATION_FAILED: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  BODY_TOO_LARGE: 413,
  INVALID_UTF8: 400,
  MALFORMED_JSON: 400,
  BAD_REQUEST_BODY: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
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
  ENVIRONMENT_EXISTS: 409,
  TOO_MANY_STREAMS: 429,
  SHUTTING_DOWN: 503,
  EMPTY_LOG: 409,
  REBUILD_IN_PROGRESS: 409,
});

export function httpStatusOf(code: ErrorCode): number {
  return HTTP_STATUS_BY_CODE[code];
}
