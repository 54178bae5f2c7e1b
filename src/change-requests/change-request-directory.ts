import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { CommittedEventFeed, EVENT_STORE, FoldedStreams, type EventStore } from '../event-store/index.js';
import { CHANGE_REQUEST_EVENT_TYPES, type ChangeRequestEvent } from './change-request.events.js';
import { evolveChangeRequest, type ChangeRequest } from './change-request.js';

/** The change requests, in memory from their events (FoldedStreams): reads and deciders touch no database. */
@Injectable()
export class ChangeRequestDirectory implements OnApplicationBootstrap {
  private readonly requests: FoldedStreams<ChangeRequest>;

  constructor(@Inject(EVENT_STORE) store: EventStore, feed: CommittedEventFeed) {
    this.requests = new FoldedStreams(store, feed, {
      types: CHANGE_REQUEST_EVENT_TYPES,
      keyOf: (event) => (event.data as { id: string }).id,
      evolve: (current, event) =>
        evolveChangeRequest(current, { type: event.type, data: event.data } as ChangeRequestEvent, event),
    });
  }

  onApplicationBootstrap(): Promise<void> {
    return this.requests.loaded();
  }

  get(id: string): ChangeRequest | undefined {
    return this.requests.get(id);
  }

  /** Newest first: what a reviewer looks at. */
  all(): ChangeRequest[] {
    return this.requests.all().sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  }
}
