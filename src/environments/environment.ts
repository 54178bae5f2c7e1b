/** What an environment is for; `production` environments are the ones the stale rules judge rollouts on. */
export const ENVIRONMENT_TYPES = ['development', 'test', 'staging', 'production'] as const;
export type EnvironmentType = (typeof ENVIRONMENT_TYPES)[number];

/** docs/contract.md §7: lower-case letters, digits and '-', at most 32. */
export const ENVIRONMENT_KEY_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;

export const MAX_REQUIRED_APPROVALS = 5;

/** An environment as the routes show it. */
export interface Environment {
  key: string;
  name: string;
  type: EnvironmentType;
  /** Approvals a change request into this environment needs (docs/contract.md §10); 0: changes are direct. */
  requiredApprovals: number;
  /** Who created it, and when; null for the default environment, which exists without an event. */
  createdBy: string | null;
  createdAt: string | null;
  /** Events on its stream so far (0: the default environment, never changed). */
  version: number;
}

const STREAM_PREFIX = 'environment:';

/** Every environment's events live on one stream of its own; flag keys cannot contain ':'. */
export function environmentStreamId(key: string): string {
  return `${STREAM_PREFIX}${key}`;
}

/** The environment an `environment:<key>` stream belongs to. */
export function environmentKeyOf(streamId: string): string {
  return streamId.slice(STREAM_PREFIX.length);
}

/** The default environment before any event: `production` unless FLAGLEDGER_DEFAULT_ENVIRONMENT names another. */
export function defaultEnvironment(key: string): Environment {
  return {
    key,
    name: key === 'production' ? 'Production' : key,
    type: 'production',
    requiredApprovals: 0,
    createdBy: null,
    createdAt: null,
    version: 0,
  };
}
