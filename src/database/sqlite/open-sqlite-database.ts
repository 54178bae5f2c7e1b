import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../database.js';
import { migrateToLatest } from '../migrate-to-latest.js';
import { DEFAULT_DB_TIMEOUT_MS } from '../store-probe.js';
import { withStatementCache } from './statement-cache.js';

export type SqliteSync = 'full' | 'normal';

export interface OpenedDatabase {
  db: Kysely<Database>;
  /** The driver's handle, for the few things Kysely does not express (pragmas, raw checks in tests). */
  sqlite: BetterSqlite3.Database;
}

/**
 * Opens (creating if needed) the SQLite file in WAL mode and migrates it to the latest schema.
 * synchronous=FULL by default: in WAL mode NORMAL may lose the last commits on power loss, and a 2xx
 * must mean the event survives that.
 */
export async function openSqliteDatabase(
  path: string,
  sync: SqliteSync,
  timeoutMs = DEFAULT_DB_TIMEOUT_MS,
): Promise<OpenedDatabase> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new BetterSqlite3(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${sync === 'full' ? 'FULL' : 'NORMAL'}`);
  sqlite.pragma('foreign_keys = ON');
  // How long a write waits for another connection's lock (a CLI beside the server) before SQLITE_BUSY: a 503.
  sqlite.pragma(`busy_timeout = ${timeoutMs}`);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  await migrateToLatest(db);
  return { db, sqlite };
}
