import { DomainError } from '../shared/index.js';
import type { Principal } from './principal.js';

/** Every environment, as a route's need: what a route that declares no scope asks for. */
export const EVERY_ENVIRONMENT = 'every' as const;

/** The environments a request acts in, or every one. */
export type EnvironmentsNeeded = readonly string[] | typeof EVERY_ENVIRONMENT;

export class EnvironmentForbiddenError extends DomainError {
  constructor(principal: Principal, needed: EnvironmentsNeeded, field: string | undefined) {
    const allowed = (principal.environments ?? []).join(', ');
    const where =
      needed === EVERY_ENVIRONMENT
        ? 'this route acts in every environment'
        : `this request acts in ${needed.filter((key) => !principal.environments?.includes(key)).join(', ')}`;
    super(
      'ENVIRONMENT_FORBIDDEN',
      `token '${principal.name}' may act only in ${allowed}; ${where}`,
      field === undefined ? undefined : [{ field, message: `must be one of the token's environments: ${allowed}` }],
    );
  }
}

/**
 * Refuses a scoped principal outside its environments (403 ENVIRONMENT_FORBIDDEN). An unscoped one
 * (null: every environment) passes without a look at the request: the evaluation path pays nothing.
 */
export function assertMayActIn(principal: Principal, needed: EnvironmentsNeeded, field?: string): void {
  const allowed = principal.environments;
  if (allowed === null) return;
  if (needed === EVERY_ENVIRONMENT || !needed.every((key) => allowed.includes(key)))
    throw new EnvironmentForbiddenError(principal, needed, field);
}
