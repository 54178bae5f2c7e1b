import type { FieldError } from './problem-details.js';

/**
 * An expected failure with a stable machine-readable code. The HTTP layer maps it to problem+json
 * with `status`; nothing else in the code base needs to know about HTTP.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly errors?: FieldError[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationFailedError extends DomainError {
  constructor(errors: FieldError[]) {
    super('VALIDATION_FAILED', 400, errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
  }
}
