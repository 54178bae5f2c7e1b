import { PostgresAdapter, SqliteAdapter, type DialectAdapter } from 'kysely';

/** Any Kysely instance or transaction, whatever its tables: all `dialectOf` reads is the adapter. */
export interface HasExecutor {
  getExecutor(): { readonly adapter: DialectAdapter };
}

/** The SQL dialects Flagledger runs on. */
export type Dialect = 'sqlite' | 'postgres';

/**
 * Which database `db` (or a transaction on it) talks to, read from Kysely's adapter. The few statements
 * that cannot be one dialect-neutral Kysely expression choose their SQL with this, through a table keyed
 * by `Dialect` (see `dialectSql`), rather than `if (sqlite)` branches spread through the features.
 */
export function dialectOf(db: HasExecutor): Dialect {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof PostgresAdapter) return 'postgres';
  if (adapter instanceof SqliteAdapter) return 'sqlite';
  throw new Error(`unsupported database adapter ${adapter.constructor.name}`);
}

/** Picks `db`'s entry of a per-dialect table: `dialectSql(db, { sqlite: …, postgres: … })`. */
export function dialectSql<T>(db: HasExecutor, choices: Readonly<Record<Dialect, T>>): T {
  return choices[dialectOf(db)];
}
