import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { AppConfig } from '../../src/config/app-config.js';
import { createApp } from '../../src/create-app.js';
import type { DecisionLogConfig } from '../../src/decision-log/decision-log.js';
import type { DeliveryOptions } from '../../src/delivery/delivery-options.js';
import { backend, type TestBackend } from './backend.js';
import { ManualClock } from './clock.js';
import { as, type RoleAgent } from './http.js';
import { postgresDatabaseFor, postgresSigningKey } from './test-databases.js';
import { authorization, TOKENS, type RoleName } from './tokens.js';

export interface TestApp {
  app: NestExpressApplication;
  /**
   * The SQLite file; on PostgreSQL, the database's URL. Either may be passed back as `dbPath` to start
   * another app on the same database.
   */
  dbPath: string;
  clock: ManualClock;
  /** supertest agent bound to the real HTTP server. */
  http: () => ReturnType<typeof request>;
  /** http://127.0.0.1:<port> of the real server. */
  url: string;
  /** Authorization header value for a role. */
  auth: (role: RoleName) => string;
  /** Requests sent as a role (see http.ts). */
  as: (role: RoleName) => RoleAgent;
  close: () => Promise<void>;
}

/** Boots the real Nest app (real database, real HTTP server on an ephemeral loopback port). */
export async function startTestApp(
  options: {
    /** SQLite: the file (default: a fresh temp file). PostgreSQL: a URL, or a path standing for one database. */
    dbPath?: string;
    /** Default: the suite's (FLAGLEDGER_TEST_BACKEND). The PostgreSQL specs ask for 'postgres' explicitly. */
    backend?: TestBackend;
    clock?: ManualClock;
    port?: number;
    delivery?: Partial<DeliveryOptions>;
    telemetryFlushMs?: number;
    decisionLog?: DecisionLogConfig;
    telemetry?: boolean;
    /** FLAGLEDGER_DEFAULT_ENVIRONMENT (default: production). */
    defaultEnvironment?: string;
    /** A built console to serve at `/` (default: none). */
    consoleDir?: string;
    /**
     * The failed-authentication throttle (default: a burst no suite reaches, as auth.e2e-spec sends
     * hundreds of bad credentials from one address; auth-throttling.e2e-spec tests the throttle).
     */
    authFailures?: AppConfig['authFailures'];
    /** FLAGLEDGER_METRICS_TOKEN (default: none, /metrics open). */
    metricsToken?: string;
    /** FLAGLEDGER_CORS_ORIGINS (default: none, no cross-origin access). */
    corsOrigins?: readonly string[];
    /** FLAGLEDGER_DB_TIMEOUT_MS (default 5000). */
    dbTimeoutMs?: number;
    /** How often scheduled change requests are looked at (default: an hour, so tests tick by hand). */
    scheduleTickMs?: number;
    /** Start as with FLAGLEDGER_TOKENS unset: this secret is the admin token the start generates. */
    generatedAdminSecret?: string;
  } = {},
): Promise<TestApp> {
  const onPostgres = (options.backend ?? backend) === 'postgres';
  const dbPath = onPostgres
    ? await postgresDatabaseFor(options.dbPath)
    : (options.dbPath ?? join(mkdtempSync(join(tmpdir(), 'flagledger-test-')), 'flagledger.db'));
  const clock = options.clock ?? new ManualClock();
  const config: AppConfig = {
    port: 0,
    database: onPostgres ? { kind: 'postgres', url: dbPath } : { kind: 'sqlite', path: dbPath, sync: 'full' },
    ...(options.generatedAdminSecret === undefined
      ? { tokens: Object.values(TOKENS), generatedToken: null }
      : generatedAdmin(options.generatedAdminSecret)),
    signingKey: onPostgres ? postgresSigningKey() : null,
    flagLifetimeDays: { release: 40, experiment: 40 },
    decisionLog: options.decisionLog ?? null,
    staleThresholds: { releaseFullyRolledOutDays: 30, unusedDays: 90 },
    telemetry: options.telemetry ?? true,
    maxStreamsPerToken: 100,
    logLevel: 'info',
    defaultEnvironment: options.defaultEnvironment ?? 'production',
    sessionTtlMinutes: 60,
    authFailures: options.authFailures ?? { burst: 1_000_000, refillPerMinute: 1_000_000 },
    metricsToken: options.metricsToken ?? null,
    corsOrigins: options.corsOrigins ?? [],
    dbTimeoutMs: options.dbTimeoutMs ?? 5_000,
  };
  // Telemetry flushes only when a test says so (or at close), unless the test asks for a timer.
  const app = await createApp({
    config,
    clock,
    delivery: options.delivery,
    telemetryFlushMs: options.telemetryFlushMs ?? 3_600_000,
    scheduleTickMs: options.scheduleTickMs ?? 3_600_000,
    logger: false,
    consoleDir: options.consoleDir,
  });
  await app.listen(options.port ?? 0, '127.0.0.1');
  const server = app.getHttpServer();
  const address = server.address() as { port: number };
  const http = () => request(server);
  return {
    url: `http://127.0.0.1:${address.port}`,
    app,
    dbPath,
    clock,
    http,
    auth: authorization,
    as: (role) => as({ http }, role),
    close: () => app.close(),
  };
}

/** The tokens of a start without FLAGLEDGER_TOKENS (src/config/app-config.ts), with a known secret. */
function generatedAdmin(secret: string): Pick<AppConfig, 'tokens' | 'generatedToken'> {
  const generated = { name: 'admin', role: 'admin', secret } as const;
  return { tokens: [generated], generatedToken: generated };
}
