import type { Kysely } from 'kysely';
import { type Database, dialectSql } from '../database/index.js';
import { postgresScratchTables } from './postgres-scratch-tables.js';
import { dropSqliteScratchLeftovers, sqliteScratchTables } from './sqlite-scratch-tables.js';

/**
 * Empty copies of projection tables, which a rebuild replays into while the live tables go on serving,
 * then puts in the live ones' place inside the swap's transaction. What differs per database is where
 * the copies live, how they take the live tables' place, and how leftovers go away.
 */
export interface ScratchTables {
  /** `db` (or a transaction on it) with the projections' tables pointing at the copies. */
  target(db: Kysely<Database>): Kysely<Database>;
  /** In the swap's transaction: the copies' rows become the live tables', with the live tables' indexes. */
  swapIn(trx: Kysely<Database>): Promise<void>;
  /** Removes whatever is left of the copies: all of them after a failure, nothing after a swap on SQLite. */
  drop(): Promise<void>;
}

export function createScratchTables(db: Kysely<Database>, tables: readonly string[]): Promise<ScratchTables> {
  return dialectSql(db, { sqlite: sqliteScratchTables, postgres: postgresScratchTables })(db, tables);
}

/**
 * Removes copies a rebuild left behind when its process died before cleaning up (SQLite only: there they
 * sit in the main file; PostgreSQL's are per rebuild, and another instance may be using them).
 */
export function dropLeftoverScratchTables(db: Kysely<Database>): Promise<void> {
  return dialectSql(db, { sqlite: dropSqliteScratchLeftovers, postgres: async () => undefined })(db);
}
