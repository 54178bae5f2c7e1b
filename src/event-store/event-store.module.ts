import { Module } from '@nestjs/common';
import { DATABASE, DB_TIMEOUT_MS, SQLITE_READER_FACTORY, STORE_PROBE, type StoreProbe } from '../database/index.js';
import { CLOCK, type Clock } from '../shared/index.js';
import { CommittedEventFeed } from './committed-event-feed.js';
import { CommittedLogFollower } from './committed-log-follower.js';
import { createEventStore } from './create-event-store.js';
import { EVENT_STORE } from './event-store.js';
import { ProjectionCatchUp } from './projection-catch-up.js';
import { ProjectionRegistry } from './projection-registry.js';
import { StoreHealth } from './store-health.js';

/** The event store for the opened database, the committed-event feed and the projections' catch-up. */
@Module({
  providers: [
    ProjectionRegistry,
    {
      provide: EVENT_STORE,
      inject: [
        DATABASE,
        ProjectionRegistry,
        CLOCK,
        StoreHealth,
        DB_TIMEOUT_MS,
        { token: SQLITE_READER_FACTORY, optional: true },
      ],
      useFactory: createEventStore,
    },
    {
      provide: StoreHealth,
      inject: [CLOCK, STORE_PROBE],
      useFactory: (clock: Clock, probe: StoreProbe) => new StoreHealth(clock, probe),
    },
    CommittedEventFeed,
    ProjectionCatchUp,
    CommittedLogFollower,
  ],
  exports: [EVENT_STORE, ProjectionRegistry, CommittedEventFeed, StoreHealth],
})
export class EventStoreModule {}
