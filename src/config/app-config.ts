import { randomBytes } from 'node:crypto';
import { isRole, type Role } from '../auth/index.js';
import type { DecisionLogConfig } from '../decision-log/index.js';
import { ENVIRONMENT_KEY_PATTERN } from '../environments/index.js';
import { FLAG_TYPES, type FlagType, DEFAULT_FLAG_RULES } from '../flags/index.js';
import { DEFAULT_STALE_THRESHOLDS, type StaleThresholds } from '../lifecycle/index.js';
import { LOG_LEVELS, redact, type LogLevelName } from '../shared/index.js';
import { parseDecisionLogConfig } from './decision-log-config.js';

export interface ApiToken {
  name: string;
  role: Role;
  secret: string;
}

/**
 * FLAGLEDGER_DB: a `postgres://` or `postgresql://` URL selects PostgreSQL (several instances may share
 * it); anything else is the path of an embedded SQLite file, with FLAGLEDGER_SYNC as its durability.
 */
export type DatabaseConfig =
  { kind: 'sqlite'; path: string; sync: 'full' | 'normal' } | { kind: 'postgres'; url: string };

export interface AppConfig {
  port: number;
  database: DatabaseConfig;
  tokens: readonly ApiToken[];
  /** Set when FLAGLEDGER_TOKENS was absent and an admin token was generated for this run. */
  generatedToken: ApiToken | null;
  /**
   * FLAGLEDGER_SIGNING_KEY (Ed25519 PKCS#8); null → a key kept in the SQLite file's directory. Required on
   * PostgreSQL: there is no such directory, and every instance must sign with the same key.
   */
  signingKey: string | null;
  /** FLAGLEDGER_FLAG_LIFETIME_DAYS, e.g. `release:40,experiment:40`: the lifetime suggested for temporary flags. */
  flagLifetimeDays: Readonly<Partial<Record<FlagType, number>>>;
  /** FLAGLEDGER_DECISION_LOG (+ _SAMPLE, _HASH_KEY); null = no decision log (the default). */
  decisionLog: DecisionLogConfig | null;
  /** FLAGLEDGER_STALE_RELEASE_DAYS (30) and FLAGLEDGER_STALE_UNUSED_DAYS (90): docs/contract.md §5's thresholds. */
  staleThresholds: StaleThresholds;
  /** FLAGLEDGER_TELEMETRY=off stops counting evaluations (stale detection then sees no usage). Default on. */
  telemetry: boolean;
  /** FLAGLEDGER_MAX_STREAMS_PER_TOKEN (100): change streams one token may hold open at once. */
  maxStreamsPerToken: number;
  /** LOG_LEVEL (`info`): the least severe level logged, one of LOG_LEVELS. */
  logLevel: LogLevelName;
  /** FLAGLEDGER_DEFAULT_ENVIRONMENT (production): where v1 routes act; it exists without an event. */
  defaultEnvironment: string;
  /** FLAGLEDGER_SESSION_TTL_MINUTES (480): how long a console sign-in lasts. */
  sessionTtlMinutes: number;
  /**
   * FLAGLEDGER_AUTH_FAILURE_BURST (20) and FLAGLEDGER_AUTH_FAILURE_REFILL_PER_MINUTE (10): failed
   * authentications one client address may make at once, and how fast it earns them back; past them, 429.
   */
  authFailures: { burst: number; refillPerMinute: number };
  /** FLAGLEDGER_METRICS_TOKEN: the bearer GET /metrics then requires; null = open, as /health (the default). */
  metricsToken: string | null;
  /**
   * FLAGLEDGER_CORS_ORIGINS: the browser origins (`https://app.example.com`, comma-separated, or `*`) that
   * may call the OFREP routes across origins; empty = no cross-origin access (the default).
   */
  corsOrigins: readonly string[];
  /**
   * FLAGLEDGER_DB_TIMEOUT_MS (5000): the longest a command waits on the database (connecting, the append
   * lock, each statement) before it is refused with 503 STORAGE_UNAVAILABLE; SQLite's busy timeout.
   */
  dbTimeoutMs: number;
}

export class ConfigError extends Error {
  constructor(variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

const TOKEN_NAME = /^[A-Za-z0-9._@-]{1,64}$/;

/** Reads and validates the environment once, failing fast with the variable that is wrong. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<AppConfig> {
  const port = parsePort(env.PORT);
  const database = parseDatabase(env.FLAGLEDGER_DB, env.FLAGLEDGER_SYNC);
  const raw = env.FLAGLEDGER_TOKENS?.trim();
  let tokens: ApiToken[];
  let generatedToken: ApiToken | null = null;
  if (raw) {
    tokens = parseTokens(raw);
  } else {
    generatedToken = { name: 'admin', role: 'admin', secret: randomBytes(24).toString('base64url') };
    tokens = [generatedToken];
  }
  const signingKey = env.FLAGLEDGER_SIGNING_KEY?.trim() || null;
  if (database.kind === 'postgres' && signingKey === null) {
    throw new ConfigError(
      'FLAGLEDGER_SIGNING_KEY',
      'is required when FLAGLEDGER_DB is a PostgreSQL URL: every instance on the database must sign checkpoints with the same Ed25519 key (PKCS#8 PEM or base64 DER), and there is no data directory to keep a generated one in',
    );
  }
  const flagLifetimeDays = parseLifetimes(env.FLAGLEDGER_FLAG_LIFETIME_DAYS);
  let decisionLog: DecisionLogConfig | null;
  try {
    decisionLog = parseDecisionLogConfig(
      env.FLAGLEDGER_DECISION_LOG,
      env.FLAGLEDGER_DECISION_LOG_SAMPLE,
      env.FLAGLEDGER_DECISION_LOG_HASH_KEY,
    );
  } catch (error) {
    const [variable, ...rest] = (error as Error).message.split(': ');
    throw new ConfigError(variable!, rest.join(': '));
  }
  const staleThresholds = Object.freeze({
    releaseFullyRolledOutDays: parseDays(
      'FLAGLEDGER_STALE_RELEASE_DAYS',
      env.FLAGLEDGER_STALE_RELEASE_DAYS,
      DEFAULT_STALE_THRESHOLDS.releaseFullyRolledOutDays,
    ),
    unusedDays: parseDays(
      'FLAGLEDGER_STALE_UNUSED_DAYS',
      env.FLAGLEDGER_STALE_UNUSED_DAYS,
      DEFAULT_STALE_THRESHOLDS.unusedDays,
    ),
  });
  const telemetryValue = (env.FLAGLEDGER_TELEMETRY ?? 'on').trim().toLowerCase() || 'on';
  if (telemetryValue !== 'on' && telemetryValue !== 'off')
    throw new ConfigError('FLAGLEDGER_TELEMETRY', `must be 'on' or 'off', got '${env.FLAGLEDGER_TELEMETRY}'`);
  const telemetry = telemetryValue === 'on';
  const maxStreamsPerToken = parseIntegerIn(
    'FLAGLEDGER_MAX_STREAMS_PER_TOKEN',
    env.FLAGLEDGER_MAX_STREAMS_PER_TOKEN,
    100,
    1,
    100_000,
  );
  const sessionTtlMinutes = parseIntegerIn(
    'FLAGLEDGER_SESSION_TTL_MINUTES',
    env.FLAGLEDGER_SESSION_TTL_MINUTES,
    480,
    1,
    43_200,
  );
  const authFailures = Object.freeze({
    burst: parseIntegerIn('FLAGLEDGER_AUTH_FAILURE_BURST', env.FLAGLEDGER_AUTH_FAILURE_BURST, 20, 1, 1_000_000),
    refillPerMinute: parseIntegerIn(
      'FLAGLEDGER_AUTH_FAILURE_REFILL_PER_MINUTE',
      env.FLAGLEDGER_AUTH_FAILURE_REFILL_PER_MINUTE,
      10,
      1,
      1_000_000,
    ),
  });
  const metricsToken = parseSecret('FLAGLEDGER_METRICS_TOKEN', env.FLAGLEDGER_METRICS_TOKEN);
  const corsOrigins = parseCorsOrigins(env.FLAGLEDGER_CORS_ORIGINS);
  const dbTimeoutMs = parseIntegerIn('FLAGLEDGER_DB_TIMEOUT_MS', env.FLAGLEDGER_DB_TIMEOUT_MS, 5_000, 100, 600_000);
  const logLevel = parseLogLevel(env.LOG_LEVEL);
  const defaultEnvironment = (env.FLAGLEDGER_DEFAULT_ENVIRONMENT ?? '').trim() || 'production';
  if (!ENVIRONMENT_KEY_PATTERN.test(defaultEnvironment))
    throw new ConfigError(
      'FLAGLEDGER_DEFAULT_ENVIRONMENT',
      `must match ${ENVIRONMENT_KEY_PATTERN.source}, got '${env.FLAGLEDGER_DEFAULT_ENVIRONMENT}'`,
    );
  return Object.freeze({
    port,
    database: Object.freeze(database),
    tokens: Object.freeze(tokens),
    generatedToken,
    signingKey,
    flagLifetimeDays,
    decisionLog,
    staleThresholds,
    telemetry,
    maxStreamsPerToken,
    logLevel,
    defaultEnvironment,
    sessionTtlMinutes,
    authFailures,
    metricsToken,
    corsOrigins,
    dbTimeoutMs,
  });
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 3000;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError('PORT', `must be an integer 0–65535, got '${value}'`);
  return port;
}

function parseLogLevel(value: string | undefined): LogLevelName {
  const level = (value ?? 'info').trim().toLowerCase() || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level))
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got '${value}'`);
  return level as LogLevelName;
}

const POSTGRES_URL = /^postgres(ql)?:\/\//;

/** FLAGLEDGER_DB (or the CLI's --db): a PostgreSQL URL, else a SQLite file path (default ./data/flagledger.db). */
export function parseDatabase(value: string | undefined, syncValue?: string): DatabaseConfig {
  const db = value?.trim() || './data/flagledger.db';
  if (POSTGRES_URL.test(db)) return { kind: 'postgres', url: db };
  return { kind: 'sqlite', path: db, sync: parseSync(syncValue) };
}

/** What logs may show of the database: the SQLite path, or the URL without its password. */
export function describeDatabase(database: DatabaseConfig): string {
  return database.kind === 'sqlite' ? database.path : redact(database.url);
}

function parseSync(value: string | undefined): 'full' | 'normal' {
  const sync = (value ?? 'full').trim().toLowerCase() || 'full';
  if (sync !== 'full' && sync !== 'normal')
    throw new ConfigError('FLAGLEDGER_SYNC', `must be 'full' or 'normal', got '${value}'`);
  return sync;
}

function parseDays(variable: string, value: string | undefined, fallback: number): number {
  return parseIntegerIn(variable, value, fallback, 1, 3650);
}

/** `type:days,…`; unset → Unleash's 40 days for release and experiment flags. */
function parseLifetimes(value: string | undefined): Readonly<Partial<Record<FlagType, number>>> {
  if (value === undefined || value.trim() === '') return DEFAULT_FLAG_RULES.suggestedLifetimeDays;
  const lifetimes: Partial<Record<FlagType, number>> = {};
  for (const entry of value
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '')) {
    const [type, days] = entry.split(':');
    if (!FLAG_TYPES.includes(type as FlagType))
      throw new ConfigError('FLAGLEDGER_FLAG_LIFETIME_DAYS', `'${type}' is not a flag type (${FLAG_TYPES.join(', ')})`);
    const n = Number(days);
    if (!Number.isInteger(n) || n < 1 || n > 3650)
      throw new ConfigError(
        'FLAGLEDGER_FLAG_LIFETIME_DAYS',
        `days for ${type} must be an integer 1–3650, got '${days}'`,
      );
    lifetimes[type as FlagType] = n;
  }
  return Object.freeze(lifetimes);
}

/** `name:role:secret,…`; the secret may itself contain ':'. */
export function parseTokens(raw: string): ApiToken[] {
  const tokens = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry, i) => {
      const [name, role, ...rest] = entry.split(':');
      const secret = rest.join(':');
      const where = `entry ${i + 1}`;
      if (!name || !TOKEN_NAME.test(name))
        throw new ConfigError('FLAGLEDGER_TOKENS', `${where}: name must match ${TOKEN_NAME}`);
      if (!role || !isRole(role))
        throw new ConfigError('FLAGLEDGER_TOKENS', `${where}: role must be evaluator, viewer, editor or admin`);
      if (secret.length < 8)
        throw new ConfigError('FLAGLEDGER_TOKENS', `${where}: secret must be at least 8 characters`);
      return { name, role, secret };
    });
  if (tokens.length === 0) throw new ConfigError('FLAGLEDGER_TOKENS', 'names no token');
  const names = new Set(tokens.map((t) => t.name));
  const secrets = new Set(tokens.map((t) => t.secret));
  if (names.size !== tokens.length) throw new ConfigError('FLAGLEDGER_TOKENS', 'token names must be unique');
  if (secrets.size !== tokens.length) throw new ConfigError('FLAGLEDGER_TOKENS', 'token secrets must be unique');
  return tokens;
}

/** An optional shared secret: unset or blank → null; else at least 8 characters, as token secrets. */
/** An origin as a browser sends it: scheme, host and an optional port, nothing after. */
const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/;

function parseCorsOrigins(value: string | undefined): readonly string[] {
  const origins = (value ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  for (const origin of origins)
    if (origin !== '*' && !ORIGIN.test(origin))
      throw new ConfigError(
        'FLAGLEDGER_CORS_ORIGINS',
        `'${origin}' is not an origin: give scheme://host[:port] with no path or trailing slash, or *`,
      );
  return Object.freeze(origins);
}

function parseSecret(variable: string, value: string | undefined): string | null {
  const secret = value?.trim();
  if (!secret) return null;
  if (secret.length < 8) throw new ConfigError(variable, 'must be at least 8 characters');
  return secret;
}

function parseIntegerIn(
  variable: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ConfigError(variable, `must be an integer ${min}–${max}, got '${value}'`);
  return n;
}
