import 'reflect-metadata';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import request from 'supertest';
import type { AppConfig, ApiToken } from '../../src/config/app-config.js';
import { createApp } from '../../src/create-app.js';
import { openPostgresDatabase } from '../../src/database/postgres/open-postgres-database.js';
import type { DecisionLogConfig } from '../../src/decision-log/decision-log.js';
import type { DeliveryOptions } from '../../src/delivery/delivery-options.js';
import type { Clock } from '../../src/shared/clock.js';
import { createTemplateDatabase, type TemplateDatabase, type TestDatabase } from './postgres-test-database.js';
import { isPostgresUrl, psql } from './psql.js';

export type TestBackend = 'sqlite' | 'postgres';

/**
 * The database the e2e suites run the app on: FLAGLEDGER_TEST_BACKEND=postgres (with FLAGLEDGER_TEST_PG_URL,
 * as `npm run test:pg` sets both) gives each app a fresh PostgreSQL database; unset, a temp SQLite file.
 */
export const backend: TestBackend = (() => {
  const value = process.env.FLAGLEDGER_TEST_BACKEND ?? 'sqlite';
  if (value !== 'sqlite' && value !== 'postgres')
    throw new Error(`FLAGLEDGER_TEST_BACKEND must be sqlite or postgres, got '${value}'`);
  return value;
})();

// Jest's globals, looked up when called: bench/ compiles this file without Jest's types and never runs it.
type TestFn = (name: string, fn: () => unknown, timeoutMs?: number) => void;
type SuiteFn = (name: string, fn: () => void) => void;
const jestGlobals = globalThis as unknown as {
  it: TestFn & { skip: TestFn };
  describe: SuiteFn & { skip: SuiteFn };
  afterAll?: (fn: () => Promise<void>) => void;
};

/**
 * `it` on SQLite, `it.skip` on PostgreSQL: for a test about the SQLite file itself (opening it raw to
 * tamper with it, the CLI on a file, its pragmas). Every use says why next to it.
 */
export const sqliteOnly: TestFn = (name, fn, timeoutMs) =>
  (backend === 'sqlite' ? jestGlobals.it : jestGlobals.it.skip)(name, fn, timeoutMs);
/** `describe` on SQLite, `describe.skip` on PostgreSQL; see sqliteOnly. */
export const describeSqliteOnly: SuiteFn = (name, fn) =>
  (backend === 'sqlite' ? jestGlobals.describe : jestGlobals.describe.skip)(name, fn);

/** One token per role; the name is what the server records as the actor. */
export const TOKENS = {
  admin: { name: 'root', role: 'admin', secret: 'admin-secret-123' },
  editor: { name: 'alice', role: 'editor', secret: 'editor-secret-123' },
  viewer: { name: 'victor', role: 'viewer', secret: 'viewer-secret-123' },
  evaluator: { name: 'svc-payments', role: 'evaluator', secret: 'evaluator-secret-123' },
} as const satisfies Record<string, ApiToken>;

export type RoleName = keyof typeof TOKENS;

/** A clock tests move by hand instead of sleeping. */
export class ManualClock implements Clock {
  constructor(private current = new Date('2026-11-25T12:00:00.000Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

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
  close: () => Promise<void>;
}

/** A fresh temp directory for one test file's databases; removed by cleanup(). */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'flagledger-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

// PostgreSQL: one migrated template per test file, a clone per database, all dropped after the file.
let template: Promise<TemplateDatabase> | undefined;
const pgDatabases = new Map<string, TestDatabase>();
/** All instances on a database must sign with the same key; one per test file is enough. */
let pgSigningKey: string | undefined;
const postgresSigningKey = () =>
  (pgSigningKey ??= generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
/** The environment the CLI needs beside `--db` on the suite's backend: on PostgreSQL, the apps' signing key. */
export function testCliEnv(): NodeJS.ProcessEnv {
  return backend === 'postgres' ? { FLAGLEDGER_SIGNING_KEY: postgresSigningKey() } : {};
}

jestGlobals.afterAll?.(async () => {
  for (const database of pgDatabases.values()) await database.drop();
  pgDatabases.clear();
  if (template !== undefined) await (await template).drop();
  template = undefined;
});

/**
 * The PostgreSQL database standing for `dbPath`: the URL itself, the database an earlier call made for
 * the same path (tests restart "the same file"), or a fresh clone of the migrated template.
 */
async function postgresDatabaseFor(dbPath: string | undefined): Promise<string> {
  if (dbPath !== undefined && isPostgresUrl(dbPath)) return dbPath;
  const known = dbPath === undefined ? undefined : pgDatabases.get(dbPath);
  if (known !== undefined) return known.url;
  template ??= createTemplateDatabase(async (url) => (await openPostgresDatabase(url)).db.destroy());
  const database = await (await template).clone();
  pgDatabases.set(dbPath ?? database.url, database);
  return database.url;
}

/** Whether `dbPath` (a TestApp's, or a path an app was started with) names a PostgreSQL database. */
const isPostgresDatabase = (dbPath: string) => isPostgresUrl(dbPath) || pgDatabases.has(dbPath);

/** The PostgreSQL URL for a TestApp's `dbPath` (or a path an app was started with). */
function postgresUrlOf(dbPath: string): string {
  if (isPostgresUrl(dbPath)) return dbPath;
  const database = pgDatabases.get(dbPath);
  if (database === undefined) throw new Error(`no PostgreSQL test database was started for ${dbPath}`);
  return database.url;
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
    tokens: Object.values(TOKENS),
    generatedToken: null,
    signingKey: onPostgres ? postgresSigningKey() : null,
    flagLifetimeDays: { release: 40, experiment: 40 },
    decisionLog: options.decisionLog ?? null,
    staleThresholds: { releaseFullyRolledOutDays: 30, unusedDays: 90 },
    telemetry: options.telemetry ?? true,
    maxStreamsPerToken: 100,
    logLevel: 'info',
  };
  // Telemetry flushes only when a test says so (or at close), unless the test asks for a timer.
  const app = await createApp({
    config,
    clock,
    delivery: options.delivery,
    telemetryFlushMs: options.telemetryFlushMs ?? 3_600_000,
    logger: false,
  });
  await app.listen(options.port ?? 0, '127.0.0.1');
  const server = app.getHttpServer();
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    app,
    dbPath,
    clock,
    http: () => request(server),
    auth: (role) => `Bearer ${TOKENS[role].secret}`,
    close: () => app.close(),
  };
}

/** What the tests use of a raw database handle: better-sqlite3's synchronous statements. */
export interface RawStatement {
  all(...params: unknown[]): unknown[];
  get(...params: unknown[]): unknown;
  run(...params: unknown[]): { changes: number };
}
export interface RawDatabase {
  prepare(statement: string): RawStatement;
  exec(statements: string): unknown;
  transaction<F extends (...args: never[]) => unknown>(work: F): F;
  close(): unknown;
}

/**
 * A raw handle on the database, for assertions the API does not expose: the SQLite file itself, or on
 * PostgreSQL the same synchronous statements run through psql (`?` and `@name` parameters inlined as
 * literals, rows read back as JSON), so a read-only assertion runs unchanged on both backends.
 */
export function openRaw(dbPath: string): RawDatabase {
  return isPostgresDatabase(dbPath)
    ? new PsqlDatabase(postgresUrlOf(dbPath))
    : (new BetterSqlite3(dbPath) as unknown as RawDatabase);
}

class PsqlDatabase implements RawDatabase {
  constructor(private readonly url: string) {}

  prepare(statement: string): RawStatement {
    const rows = (params: unknown[]) =>
      JSON.parse(
        this.run(`SELECT coalesce(json_agg(q), '[]'::json) FROM (${inline(statement, params)}) q`, true),
      ) as unknown[];
    return {
      all: (...params) => rows(params),
      get: (...params) => rows(params)[0],
      run: (...params) => ({ changes: Number(/(\d+)\s*$/.exec(this.run(inline(statement, params), false))?.[1] ?? 0) }),
    };
  }

  exec(statements: string): void {
    this.run(statements, false);
  }

  /** No transaction across psql calls: the statements commit one by one (tests use it with the app stopped). */
  transaction<F extends (...args: never[]) => unknown>(work: F): F {
    return work;
  }

  close(): void {}

  private run(statements: string, quiet: boolean): string {
    return psql(this.url, statements, quiet);
  }
}

/** Replaces `?` (in order) and `@name` (from an object) outside string literals with SQL literals. */
function inline(statement: string, params: unknown[]): string {
  const named =
    params.length === 1 && typeof params[0] === 'object' && params[0] !== null
      ? (params[0] as Record<string, unknown>)
      : undefined;
  let next = 0;
  return statement
    .split(/('(?:[^']|'')*')/)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part.replace(/\?|@([A-Za-z_][A-Za-z0-9_]*)/g, (match, name: string | undefined) =>
            literal(name === undefined ? params[next++] : named?.[name]),
          ),
    )
    .join('');
}

function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return `'${String(value).replace(/'/g, "''")}'`;
}

/** How many events the log holds (synchronous on both backends: psql on PostgreSQL). */
export function eventCount(dbPath: string): number {
  if (isPostgresDatabase(dbPath)) {
    return Number(psql(postgresUrlOf(dbPath), 'SELECT count(*) FROM events'));
  }
  const db = openRaw(dbPath);
  try {
    return (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Rows of a read-only query, on either backend (BIGINT and NUMERIC come back as numbers on both). */
export async function queryRows<T = Record<string, unknown>>(dbPath: string, statement: string): Promise<T[]> {
  if (isPostgresDatabase(dbPath)) {
    const client = new pg.Client({
      connectionString: postgresUrlOf(dbPath),
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          (oid === 20 || oid === 1700) && format !== 'binary'
            ? Number
            : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
    });
    await client.connect();
    try {
      return (await client.query(statement)).rows as T[];
    } finally {
      await client.end();
    }
  }
  const db = openRaw(dbPath);
  try {
    return db.prepare(statement).all() as T[];
  } finally {
    db.close();
  }
}

/** A valid create body; override what the test is about. */
export function releaseFlag(
  key = 'new_payment_processor',
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return { key, type: 'release', owner: 'payments-team', expiresAt: '2027-03-01T00:00:00.000Z', ...overrides };
}

/**
 * A live flag read without its usage fields (lastEvaluatedAt, evaluations): the flag's state alone, to
 * compare with states from commands, time travel or the snapshot, which carry no telemetry.
 */
export function stateOf<T extends object>(flag: T): Omit<T, 'lastEvaluatedAt' | 'evaluations'> {
  const {
    lastEvaluatedAt: _last,
    evaluations: _evaluations,
    ...state
  } = flag as T & { lastEvaluatedAt?: unknown; evaluations?: unknown };
  return state;
}
