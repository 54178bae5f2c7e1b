import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { CommittedEventFeed, EVENT_STORE, FoldedStreams, type EventStore } from '../event-store/index.js';
import { CHANGE_REQUEST_EVENT_TYPES, type ChangeRequestEvent } from './change-request.events.js';
import { breakGlassReview, breakGlassReviewId, evolveChangeRequest, type ChangeRequest } from './change-request.js';

/** A kill switch engaged as break glass opens a review (docs/contract.md §10). */
const ENGAGED = 'FlagKillSwitchEngaged';

/**
 * The change requests, in memory from their events (FoldedStreams): reads and deciders touch no database.
 * Break-glass reviews are folded from the flag event that engaged the kill switch, then from their own.
 */
@Injectable()
export class ChangeRequestDirectory implements OnApplicationBootstrap {
  private readonly requests: FoldedStreams<ChangeRequest>;

  constructor(@Inject(EVENT_STORE) store: EventStore, feed: CommittedEventFeed) {
    this.requests = new FoldedStreams(store, feed, {
      types: [...CHANGE_REQUEST_EVENT_TYPES, ENGAGED],
      accepts: (event) => event.type !== ENGAGED || (event.data as { breakGlass?: true }).breakGlass === true,
      keyOf: (event) => (event.type === ENGAGED ? breakGlassReviewId(event.seq) : (event.data as { id: string }).id),
      evolve: (current, event) =>
        event.type === ENGAGED
          ? breakGlassReview(event)
          : evolveChangeRequest(current, { type: event.type, data: event.data } as ChangeRequestEvent, event),
    });
  }

  onApplicationBootstrap(): Promise<void> {
    return this.requests.loaded();
  }

  /** Resolves once the requests were read from the log. */
  loaded(): Promise<void> {
    return this.requests.loaded();
  }

  get(id: string): ChangeRequest | undefined {
    return this.requests.get(id);
  }

  /** Break-glass kill switches nobody else has acknowledged yet (GET /metrics). */
  unreviewedBreakGlass(): number {
    return this.requests.all().filter((r) => r.state === 'needs_review').length;
  }

  /** Newest first: what a reviewer looks at. */
  all(): ChangeRequest[] {
    return this.requests.all().sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  }
}
