/**
 * The environment keys that exist, for slices the environments slice itself depends on (auth: a token's
 * scope must name real environments). The environments module provides it globally; the port lives here
 * so that auth reads it without an import cycle.
 */
export interface EnvironmentCatalog {
  readonly defaultKey: string;
  has(key: string): boolean;
}

export const ENVIRONMENT_CATALOG = Symbol('ENVIRONMENT_CATALOG');
