import { DomainError } from '../shared/index.js';

export class FlagNotFoundError extends DomainError {
  /** `when` names the point of a time-travel read, e.g. "as of 2026-01-01T00:00:00Z" or "at version 7". */
  constructor(key: string, when?: string) {
    super('FLAG_NOT_FOUND', `flag '${key}' does not exist${when === undefined ? '' : ` ${when}`}`);
  }
}

export class FlagAlreadyExistsError extends DomainError {
  constructor(key: string) {
    super('FLAG_EXISTS', `flag '${key}' already exists`, [{ field: 'key', message: 'must be unique' }]);
  }
}

export class FlagArchivedError extends DomainError {
  constructor(key: string) {
    super('FLAG_ARCHIVED', `flag '${key}' is archived: restore it before changing it`);
  }
}

export class FlagRuleViolationError extends DomainError {
  constructor(field: string, message: string) {
    super('VALIDATION_FAILED', `${field}: ${message}`, [{ field, message }]);
  }
}
