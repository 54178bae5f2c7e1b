import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Enough for every distinct statement the app issues; a multi-row insert's shape varies with its row count. */
const DEFAULT_CAPACITY = 256;

/**
 * Kysely's SQLite driver prepares every query anew; better-sqlite3's prepare parses and plans the SQL
 * each time, which was the single largest CPU cost of an append. Statements are reused by their SQL
 * text, least recently used evicted. Safe because Kysely runs one query at a time on this connection
 * and never leaves a statement mid-iteration (the app streams through its own reader connections).
 */
export function withStatementCache(sqlite: BetterSqlite3.Database, capacity = DEFAULT_CAPACITY): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string): SqliteStatement {
      const cached = cache.get(sql);
      if (cached !== undefined) {
        // Re-insert to mark it most recently used (a Map iterates in insertion order).
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = sqlite.prepare(sql) as unknown as SqliteStatement;
      cache.set(sql, statement);
      if (cache.size > capacity) cache.delete(cache.keys().next().value!);
      return statement;
    },
  };
}
