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

/**
 * docs/contract.md §10: a state change sent directly into an environment whose changes need approval.
 * Whoever sends it (admins included): the change request is the only way in, so the detail names it.
 * `field`: the part of the request that makes it a state change, when it is a field (create's `enabled`).
 */
export class ChangeRequestRequiredError extends DomainError {
  constructor(environment: string, requiredApprovals: number, change: string, field?: string) {
    super(
      'CHANGE_REQUEST_REQUIRED',
      `environment '${environment}' requires ${requiredApprovals} approval${requiredApprovals === 1 ? '' : 's'} ` +
        `for every state change: ${change} must go through a change request (POST /v1/change-requests); ` +
        `only kill-switch/engage stays direct there, with a reason (break glass)`,
      field === undefined ? undefined : [{ field, message: `is a state change in '${environment}'` }],
    );
  }
}
