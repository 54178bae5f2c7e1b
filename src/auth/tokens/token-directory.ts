import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { CommittedEventFeed, EVENT_STORE, type EventStore, type StoredEvent } from '../../event-store/index.js';
import { evolveToken, type IssuedToken } from './issued-token.js';
import { isTokenEventType, TOKEN_EVENT_TYPES, type TokenEvent } from './token.events.js';

/**
 * The tokens issued through the API, in memory: read from their events once at start, then kept current
 * from the committed-event feed (which, on PostgreSQL, carries what other instances commit), so a lookup
 * on every request reads no database and a revocation holds on every instance once its event arrives.
 */
@Injectable()
export class TokenDirectory implements OnApplicationBootstrap {
  private byId = new Map<string, IssuedToken>();
  private bySecretHash = new Map<string, IssuedToken>();
  private seq = 0;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly feed: CommittedEventFeed,
  ) {
    feed.subscribe((events) => this.apply(events));
  }

  async onApplicationBootstrap(): Promise<void> {
    // Inside the feed's queue: no delivery interleaves with the read, and what it delivers later is newer.
    await this.feed.exclusive(async () => {
      const byId = new Map<string, IssuedToken>();
      let seq = 0;
      for await (const event of this.store.iterate({ types: TOKEN_EVENT_TYPES })) {
        applyTo(byId, event);
        seq = event.seq;
      }
      this.byId = byId;
      this.bySecretHash = new Map([...byId.values()].map((t) => [t.secretHash, t]));
      this.seq = Math.max(this.seq, seq);
    });
  }

  get(id: string): IssuedToken | undefined {
    return this.byId.get(id);
  }

  bySecret(secretHash: string): IssuedToken | undefined {
    return this.bySecretHash.get(secretHash);
  }

  all(): IssuedToken[] {
    return [...this.byId.values()].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  }

  private apply(events: readonly StoredEvent[]): void {
    for (const event of events) {
      if (event.seq <= this.seq || !isTokenEventType(event.type)) continue;
      const token = applyTo(this.byId, event);
      this.bySecretHash.set(token.secretHash, token);
      this.seq = event.seq;
    }
  }
}

function applyTo(byId: Map<string, IssuedToken>, event: StoredEvent): IssuedToken {
  const data = event.data as { id: string };
  const token = evolveToken(byId.get(data.id), { type: event.type, data: event.data } as TokenEvent, event);
  byId.set(token.id, token);
  return token;
}
