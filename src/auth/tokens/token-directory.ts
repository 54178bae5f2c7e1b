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
  private loading: Promise<void> | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly feed: CommittedEventFeed,
  ) {
    feed.subscribe((events) => this.apply(events));
  }

  onApplicationBootstrap(): Promise<void> {
    return this.loaded();
  }

  /** Resolves once the tokens were read from the log (once, whoever asks first: the registry waits on it too). */
  loaded(): Promise<void> {
    this.loading ??= this.load();
    return this.loading;
  }

  private async load(): Promise<void> {
    // Inside the feed's queue: no delivery interleaves with the read, and what it delivers later is newer.
    await this.feed.exclusive(async () => {
      const byId = new Map<string, IssuedToken>();
      let seq = 0;
      for await (const event of this.store.iterate({ types: TOKEN_EVENT_TYPES })) {
        applyTo(byId, event);
        seq = event.seq;
      }
      this.byId = byId;
      this.bySecretHash = new Map();
      for (const token of byId.values()) this.index(token);
      this.seq = Math.max(this.seq, seq);
    });
  }

  get(id: string): IssuedToken | undefined {
    return this.byId.get(id);
  }

  bySecret(secretHash: string): IssuedToken | undefined {
    return this.bySecretHash.get(secretHash);
  }

  /** The tokens as they were at `at` (ISO), read back from the log: who had access then. */
  async asOf(at: string): Promise<IssuedToken[]> {
    const byId = new Map<string, IssuedToken>();
    for await (const event of this.store.iterate({ types: TOKEN_EVENT_TYPES, to: at })) applyTo(byId, event);
    return sorted([...byId.values()]);
  }

  all(): IssuedToken[] {
    return sorted([...this.byId.values()]);
  }

  /** Both secrets a rotated token answers to in its grace period; acceptsSecret decides whether one still does. */
  private index(token: IssuedToken): void {
    this.bySecretHash.set(token.secretHash, token);
    if (token.previous !== null) this.bySecretHash.set(token.previous.secretHash, token);
  }

  private apply(events: readonly StoredEvent[]): void {
    for (const event of events) {
      if (event.seq <= this.seq || !isTokenEventType(event.type)) continue;
      this.index(applyTo(this.byId, event));
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

function sorted(tokens: IssuedToken[]): IssuedToken[] {
  return tokens.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
}
