import { DomainError } from '../shared/domain-error.js';

export class FlagNotFoundError extends DomainError {
  constructor(key: string) {
    super('FLAG_NOT_FOUND', 404, `flag '${key}' does not exist`);
  }
}

export class FlagAlreadyExistsError extends DomainError {
  constructor(key: string) {
    super('FLAG_EXISTS', 409, `flag '${key}' already exists`, [{ field: 'key', message: 'must be unique' }]);
  }
}

export class FlagArchivedError extends DomainError {
  constructor(key: string) {
    super('FLAG_ARCHIVED', 409, `flag '${key}' is archived: restore it before changing it`);
  }
}

export class FlagRuleViolationError extends DomainError {
  constructor(field: string, message: string) {
    super('VALIDATION_FAILED', 400, `${field}: ${message}`, [{ field, message }]);
  }
}
