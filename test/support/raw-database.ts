import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { psql } from './psql.js';
import { isPostgresDatabase, postgresUrlOf } from './test-databases.js';

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
