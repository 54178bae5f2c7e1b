import { Global, Module } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { DATABASE, SQLITE_READER_FACTORY, type Database } from '../database/database.js';
import { dialectOf } from '../database/dialect.js';
import { CLOCK, type Clock } from '../shared/clock.js';
import { CommittedEventFeed } from './committed-event-feed.js';
import { CommittedLogFollower } from './committed-log-follower.js';
import { EVENT_STORE, type EventStore } from './event-store.js';
import { PostgresEventStore } from './postgres/postgres.event-store.js';
import { ProjectionCatchUp } from './projection-catch-up.js';
import { ProjectionRegistry } from './projection-registry.js';
import { SqliteEventStore, type SqliteReaderFactory } from './sqlite/sqlite.event-store.js';

/** The event store for the database DatabaseModule opened: SQLite's (with its read-only connections) or PostgreSQL's. */
function createEventStore(
  db: Kysely<Database>,
  registry: ProjectionRegistry,
  clock: Clock,
  openReader: SqliteReaderFactory | undefined,
): EventStore {
  if (dialectOf(db) === 'postgres') return new PostgresEventStore(db, registry, clock);
  if (openReader === undefined)
    throw new Error('the SQLite event store needs SQLITE_READER_FACTORY (DatabaseModule.forSqlite provides it)');
  return new SqliteEventStore(db, registry, clock, openReader);
}

@Global()
@Module({
  providers: [
    ProjectionRegistry,
    {
      provide: EVENT_STORE,
      inject: [DATABASE, ProjectionRegistry, CLOCK, { token: SQLITE_READER_FACTORY, optional: true }],
      useFactory: createEventStore,
    },
    CommittedEventFeed,
    ProjectionCatchUp,
    CommittedLogFollower,
  ],
  exports: [EVENT_STORE, ProjectionRegistry, CommittedEventFeed],
})
export class EventStoreModule {}
