import { Global, Module } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { DATABASE, SQLITE_READER_FACTORY, type Database } from '../database/database.js';
import { CLOCK, type Clock } from '../shared/clock.js';
import { CommittedEventFeed } from './committed-event-feed.js';
import { EVENT_STORE } from './event-store.js';
import { ProjectionCatchUp } from './projection-catch-up.js';
import { ProjectionRegistry } from './projection-registry.js';
import { SqliteEventStore, type SqliteReaderFactory } from './sqlite/sqlite.event-store.js';

@Global()
@Module({
  providers: [
    ProjectionRegistry,
    {
      provide: EVENT_STORE,
      inject: [DATABASE, ProjectionRegistry, CLOCK, SQLITE_READER_FACTORY],
      useFactory: (db: Kysely<Database>, registry: ProjectionRegistry, clock: Clock, openReader: SqliteReaderFactory) =>
        new SqliteEventStore(db, registry, clock, openReader),
    },
    CommittedEventFeed,
    ProjectionCatchUp,
  ],
  exports: [EVENT_STORE, ProjectionRegistry, CommittedEventFeed],
})
export class EventStoreModule {}
