import { Module } from '@nestjs/common';
import { DATABASE, SQLITE_READER_FACTORY } from '../database/index.js';
import { CLOCK } from '../shared/index.js';
import { CommittedEventFeed } from './committed-event-feed.js';
import { CommittedLogFollower } from './committed-log-follower.js';
import { createEventStore } from './create-event-store.js';
import { EVENT_STORE } from './event-store.js';
import { ProjectionCatchUp } from './projection-catch-up.js';
import { ProjectionRegistry } from './projection-registry.js';

/** The event store for the opened database, the committed-event feed and the projections' catch-up. */
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
