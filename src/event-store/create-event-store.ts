import type { Kysely } from 'kysely';
import { dialectOf, type Database } from '../database/index.js';
import type { Clock } from '../shared/index.js';
import type { EventStore } from './event-store.js';
import { PostgresEventStore } from './postgres/postgres.event-store.js';
import type { ProjectionRegistry } from './projection-registry.js';
import { SqliteEventStore, type SqliteReaderFactory } from './sqlite/sqlite.event-store.js';
import type { StoreHealth } from './store-health.js';

/**
 * The event store for the database `db` talks to: SQLite's (with its read-only connections, opened by
 * `openReader`) or PostgreSQL's, telling `health` how its appends end and bounding each to `timeoutMs`. The one place the store's
 * dialect is chosen.
 */
export function createEventStore(
  db: Kysely<Database>,
  registry: ProjectionRegistry,
  clock: Clock,
  health: StoreHealth,
  timeoutMs: number,
  openReader: SqliteReaderFactory | undefined,
): EventStore {
  if (dialectOf(db) === 'postgres') return new PostgresEventStore(db, registry, clock).watchedBy(health, timeoutMs);
  if (openReader === undefined)
    throw new Error('the SQLite event store needs SQLITE_READER_FACTORY (DatabaseModule.forSqlite provides it)');
  return new SqliteEventStore(db, registry, clock, openReader).watchedBy(health, timeoutMs);
}
