/**
 * Every stable code a refusal can carry, in problem+json's `code`. Domain errors name one of these and
 * nothing about HTTP; `http/error-status.ts` maps each to its status in one table, which the compiler
 * keeps complete (a code added here without a status does not build).
 */
export const ERROR_CODES = [
  // request shape (HTTP layer)
  'VALIDATION_FAILED',
  'UNSUPPORTED_MEDIA_TYPE',
  'BODY_TOO_LARGE',
  'INVALID_UTF8',
  'MALFORMED_JSON',
  'BAD_REQUEST_BODY',
  // access
  'UNAUTHENTICATED',
  'TOO_MANY_FAILED_AUTHENTICATIONS',
  'FORBIDDEN',
  'ENVIRONMENT_FORBIDDEN',
  'CSRF_FAILED',
  'TOKEN_NOT_FOUND',
  'TOKEN_NAME_TAKEN',
  'TOKEN_REVOKED',
  // flags
  'FLAG_NOT_FOUND',
  'FLAG_EXISTS',
  'FLAG_ARCHIVED',
  'PRECONDITION_FAILED',
  // event store
  'VERSION_CONFLICT',
  'IDEMPOTENCY_KEY_REUSED',
  // environments
  'ENVIRONMENT_NOT_FOUND',
  'CHANGE_REQUEST_REQUIRED',
  'CHANGE_REQUEST_NOT_FOUND',
  'CHANGE_REQUEST_STATE',
  'CHANGE_REQUEST_APPROVAL_REFUSED',
  'CHANGE_REQUEST_CONFLICT',
  'ENVIRONMENT_EXISTS',
  // delivery
  'TOO_MANY_STREAMS',
  'SHUTTING_DOWN',
  // storage
  'STORAGE_FULL',
  'STORAGE_UNAVAILABLE',
  // integrity and replay
  'EMPTY_LOG',
  'REBUILD_IN_PROGRESS',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
