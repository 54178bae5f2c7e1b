import { DomainError } from '../shared/index.js';

export class EnvironmentNotFoundError extends DomainError {
  /** `field`: the request field that named it, when it came from a query or body rather than the path. */
  constructor(key: string, field?: string) {
    super(
      'ENVIRONMENT_NOT_FOUND',
      `environment '${key}' does not exist`,
      field === undefined ? undefined : [{ field, message: `names no environment: '${key}'` }],
    );
  }
}

export class EnvironmentExistsError extends DomainError {
  constructor(key: string) {
    super('ENVIRONMENT_EXISTS', `environment '${key}' already exists`, [{ field: 'key', message: 'must be unique' }]);
  }
}
