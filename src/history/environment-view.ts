import { ValidateBy } from 'class-validator';
import { ENVIRONMENT_KEY_PATTERN, type EnvironmentDirectory } from '../environments/index.js';
import { environmentOfEvent } from '../flags/index.js';
import { ValidationFailedError } from '../shared/index.js';

/** `environment=*`: every environment, and the events of none (definition and environment events). */
export const EVERY_ENVIRONMENT = '*';

/**
 * What `environment=` asks of a timeline read (docs/contract.md §7). Without the parameter a read is the
 * v1 view, unchanged; with it every entry or row says which environment its event acted in, and only
 * those of the named environments are kept (`*` keeps all). Opt-in because v1 clients compare whole
 * entries and exact CSV headers, and recorded v1 answers must stay byte-identical.
 */
export interface EnvironmentView {
  /** The environments asked for; null for `*`. */
  keys: ReadonlySet<string> | null;
  /** Events written before environments name none and are read as this one. */
  defaultKey: string;
  /** The parameter as asked, a list (what an export's manifest records). */
  asked: readonly string[];
}

/** Why a query's `environment` is malformed, or undefined when it is well formed (existence is checked later). */
export function environmentParameterError(value: unknown): string | undefined {
  const values = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === 'string'))
    return 'must be an environment key or *';
  if (values.includes(EVERY_ENVIRONMENT) && values.length > 1)
    return 'is * (every environment) or environment keys, not both';
  if (!values.every((v: string) => v === EVERY_ENVIRONMENT || ENVIRONMENT_KEY_PATTERN.test(v)))
    return `each environment must be * or a key matching ${ENVIRONMENT_KEY_PATTERN.source}`;
  return undefined;
}

/** `environment` may repeat (`?environment=staging&environment=production`), like `type`. */
export const IsEnvironmentParameter = () =>
  ValidateBy({
    name: 'isEnvironmentParameter',
    validator: {
      validate: (value: unknown) => environmentParameterError(value) === undefined,
      defaultMessage: (args) => environmentParameterError(args?.value) ?? 'must be an environment key or *',
    },
  });

/**
 * The view a validated `environment` parameter asks for: undefined without one (the v1 view). Every key
 * must name an environment that exists: 404 ENVIRONMENT_NOT_FOUND naming the field otherwise, since an
 * answer filtered on a typo would look like a quiet history.
 */
export function environmentViewOf(
  value: string | readonly string[] | undefined,
  directory: EnvironmentDirectory,
): EnvironmentView | undefined {
  if (value === undefined) return undefined;
  const asked = typeof value === 'string' ? [value] : [...value];
  if (asked.length === 1 && asked[0] === EVERY_ENVIRONMENT)
    return { keys: null, defaultKey: directory.defaultKey, asked };
  for (const key of asked) directory.require(key, 'environment');
  return { keys: new Set(asked), defaultKey: directory.defaultKey, asked };
}

/**
 * For a route that reads no other query parameter (GET /v1/flags/:key/history ignores unknown ones, as in
 * v1): the same rule the query DTOs apply, then `environmentViewOf`.
 */
export function environmentViewOfParameter(
  value: unknown,
  directory: EnvironmentDirectory,
): EnvironmentView | undefined {
  if (value === undefined) return undefined;
  const error = environmentParameterError(value);
  if (error !== undefined) throw new ValidationFailedError([{ field: 'environment', message: error }]);
  return environmentViewOf(value as string | string[], directory);
}

/** The environment an event acted in, as the view labels it: null for definition and environment events. */
export function environmentOf(view: EnvironmentView, type: string, data: unknown): string | null {
  return environmentOfEvent(type, data, view.defaultKey);
}

/** Whether the view keeps an event that acted in `environment` (null: in none). */
export function keeps(view: EnvironmentView, environment: string | null): boolean {
  return view.keys === null || (environment !== null && view.keys.has(environment));
}
