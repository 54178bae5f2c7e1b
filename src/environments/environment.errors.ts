import { DomainError } from '../shared/index.js';

export class EnvironmentNotFoundError extends DomainError {
  constructor(key: string) {
    super('ENVIRONMENT_NOT_FOUND', `environment '${key}' does not exist`);
  }
}

export class EnvironmentExistsError extends DomainError {
  constructor(key: string) {
    super('ENVIRONMENT_EXISTS', `environment '${key}' already exists`, [{ field: 'key', message: 'must be unique' }]);
  }
}
