import { DomainError } from '../shared/index.js';

/** A report naming environments that do not exist: ENVIRONMENT_NOT_FOUND, each field that names one. */
export class ReportedEnvironmentNotFoundError extends DomainError {
  constructor(unknown: readonly { field: string; environment: string }[]) {
    const environments = [...new Set(unknown.map((u) => `'${u.environment}'`))];
    super(
      'ENVIRONMENT_NOT_FOUND',
      environments.length === 1
        ? `environment ${environments[0]} does not exist`
        : `environments ${environments.join(', ')} do not exist`,
      unknown.map(({ field, environment }) => ({ field, message: `environment '${environment}' does not exist` })),
    );
  }
}
