import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { redact } from '../../shared/index.js';
import type { Database } from '../database.js';
import { migrateToLatest } from '../migrate-to-latest.js';
import { DEFAULT_DB_TIMEOUT_MS } from '../store-probe.js';

export interface OpenedPostgresDatabase {
  db: Kysely<Database>;
  /** The driver's pool, for what Kysely does not express (raw checks in tests). `db.destroy()` ends it. */
  pool: pg.Pool;
}

export interface PostgresDatabaseOptions {
  /** Pool size. Appends hold a connection while they wait for the append lock. Default 10. */
  maxConnections?: number;
  /** Told about a pooled idle connection that broke (server restart, network); the pool drops it. */
  onIdleConnectionError?: (error: Error) => void;
  /**
   * FLAGLEDGER_DB_TIMEOUT_MS: how long getting a connection may take (else the request fails, never
   * queued for later), and after how long a query with no answer at all (a dead peer) is given up.
   * Statements themselves are bounded server-side where it matters (appends: PostgresEventStore).
   */
  timeoutMs?: number;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** BIGINT columns (seq, counts) hold values far below 2^53; refuse rather than round one that is not. */
function parseBigint(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`BIGINT ${text} does not fit a JavaScript number`);
  return value;
}

/**
 * This pool's type parsers: BIGINT and NUMERIC (what max(), sum() and count() return) as numbers, as the
 * `Database` types say and SQLite answers; every other type as pg parses it. Handed to the pool rather
 * than set with pg.types.setTypeParser, which would change every other pg user in the process.
 */
const numberTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format !== 'binary' && oid === INT8_OID) return parseBigint;
    if (format !== 'binary' && oid === NUMERIC_OID) return Number;
    return pg.types.getTypeParser(oid, format);
  }) as typeof pg.types.getTypeParser,
};

/**
 * Connects to `postgres://…` (or `postgresql://…`) and migrates it to the latest schema. Instances
 * starting together may all call this: Kysely's Migrator takes a PostgreSQL advisory lock around the
 * migrations, so exactly one applies each and the others find it applied.
 */
export async function openPostgresDatabase(
  url: string,
  options: PostgresDatabaseOptions = {},
): Promise<OpenedPostgresDatabase> {
  if (!/^postgres(ql)?:\/\//.test(url))
    throw new Error(`a PostgreSQL database URL starts with postgres:// or postgresql://, got '${redact(url)}'`);
  const timeoutMs = options.timeoutMs ?? DEFAULT_DB_TIMEOUT_MS;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    types: numberTypes,
    application_name: 'flagledger',
    connectionTimeoutMillis: timeoutMs,
    // A dead peer (a stopped server, a cut network) is noticed, rather than a query waiting on it for ever.
    keepAlive: true,
    // A session left inside a transaction (its client gave up) must not keep the append lock.
    idle_in_transaction_session_timeout: 2 * timeoutMs,
  });
  // Without a listener, an idle connection's error is an unhandled 'error' event: the process would exit.
  pool.on(
    'error',
    options.onIdleConnectionError ??
      ((error) =>
        process.stderr.write(
          `${JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'postgres idle connection lost', error: error.message })}\n`,
        )),
  );
  // pg-pool listens for errors only on idle connections: one checked out (a transaction between two
  // statements) whose server goes away emits 'error' with no listener, and the process exits. The query
  // it serves fails on its own, and the store reports that once; this listener only keeps the process up.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  await migrateToLatest(db);
  return { db, pool };
}
