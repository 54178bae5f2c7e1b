import { SetMetadata } from '@nestjs/common';

export const ENVIRONMENT_SCOPE = 'flagledger:environment-scope';

/**
 * Which environments a route acts in, so the guard can hold a scoped token to its `environments`
 * (docs/contract.md §9). A route that declares none acts in every environment: a scoped token is refused
 * there, so a route nobody thought about fails closed.
 */
export type EnvironmentScope =
  /** No environment's state: definitions, the chain's integrity, the caller's own token. */
  | { kind: 'none' }
  /** A v1 route: the default environment. */
  | { kind: 'default' }
  /** The environments the route's parameters name, such as `:env` and copy-from's `:from`. */
  | { kind: 'params'; names: readonly string[] }
  /** A timeline's `environment=` (repeatable): the named ones; absent or `*`, every environment. */
  | { kind: 'query'; name: string }
  /** The body names them; the handler checks with `assertMayActIn` once it is validated. */
  | { kind: 'handler' };

const scope = (value: EnvironmentScope) => SetMetadata(ENVIRONMENT_SCOPE, value);

export const ActsIn = {
  noEnvironment: () => scope({ kind: 'none' }),
  defaultEnvironment: () => scope({ kind: 'default' }),
  params: (...names: string[]) => scope({ kind: 'params', names }),
  query: (name: string) => scope({ kind: 'query', name }),
  checkedByHandler: () => scope({ kind: 'handler' }),
};
