import type { ErrorCode } from './error-code.js';
import type { FieldError } from './problem-details.js';

/**
 * An expected failure with a stable machine-readable code. Nothing here knows about HTTP: the one
 * exception filter maps the code to a status (`http/error-status.ts`) and the error to problem+json.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors?: FieldError[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * A refusal that lifts by itself after a while: the filter sends `retryAfterSeconds` as Retry-After
 * (RFC 9110 §10.2.3), so a well-behaved client waits instead of guessing.
 */
export class RetryLaterError extends DomainError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(code, message);
  }
}

export class ValidationFailedError extends DomainError {
  constructor(errors: FieldError[]) {
    super('VALIDATION_FAILED', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
  }
}
