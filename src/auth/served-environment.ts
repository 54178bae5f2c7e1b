import type { Principal } from './principal.js';

/**
 * The environment a protocol that names none is served in (Unleash's client API, OFREP): the API names none (a token stands for one
 * environment there), so a token scoped to exactly one environment gets that one, and any other the
 * default. A token scoped to several that exclude the default is then refused (403) by the caller's
 * assertMayActIn, not silently served one of them.
 */
export function servedEnvironment(principal: Principal, defaultEnvironment: string): string {
  const scoped = principal.environments;
  return scoped !== null && scoped.length === 1 ? scoped[0]! : defaultEnvironment;
}
