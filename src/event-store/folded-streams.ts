import type { CommittedEventFeed } from './committed-event-feed.js';
import type { EventStore, StoredEvent } from './event-store.js';

/** What a kind of aggregate is: its event types, which one an event belongs to, and how it folds. */
export interface FoldSpec<T> {
  types: readonly string[];
  /** Of the events of those types, the ones that belong to this kind (default: all of them). */
  accepts?(event: StoredEvent): boolean;
  keyOf(event: StoredEvent): string;
  evolve(current: T | undefined, event: StoredEvent): T;
}

/**
 * Every aggregate of one kind in memory (they are few: tokens, change requests), read from their events
 * once at start, inside the feed's queue so no delivery interleaves with the read, then kept current
 * from the committed-event feed, which on PostgreSQL carries what other instances commit. Reads cost no
 * database; `asOf` folds the log again up to an instant.
 */
export class FoldedStreams<T> {
  private byKey = new Map<string, T>();
  private seq = 0;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly feed: CommittedEventFeed,
    private readonly spec: FoldSpec<T>,
  ) {
    feed.subscribe((events) => this.apply(events));
  }

  /** Resolves once the log was read (once, whoever asks first). */
  loaded(): Promise<void> {
    this.loading ??= this.feed.exclusive(async () => {
      const byKey = await this.fold();
      this.byKey = byKey.folded;
      this.seq = Math.max(this.seq, byKey.seq);
    });
    return this.loading;
  }

  get(key: string): T | undefined {
    return this.byKey.get(key);
  }

  all(): T[] {
    return [...this.byKey.values()];
  }

  /** The aggregates as they were at `at` (ISO), folded from the log. */
  async asOf(at: string): Promise<T[]> {
    return [...(await this.fold(at)).folded.values()];
  }

  private async fold(to?: string): Promise<{ folded: Map<string, T>; seq: number }> {
    const folded = new Map<string, T>();
    let seq = 0;
    for await (const event of this.store.iterate({ types: this.spec.types, ...(to === undefined ? {} : { to }) })) {
      this.applyTo(folded, event);
      seq = event.seq;
    }
    return { folded, seq };
  }

  private apply(events: readonly StoredEvent[]): void {
    for (const event of events) {
      if (event.seq <= this.seq || !this.spec.types.includes(event.type)) continue;
      this.seq = event.seq;
      this.applyTo(this.byKey, event);
    }
  }

  private applyTo(into: Map<string, T>, event: StoredEvent): void {
    if (this.spec.accepts !== undefined && !this.spec.accepts(event)) return;
    const key = this.spec.keyOf(event);
    into.set(key, this.spec.evolve(into.get(key), event));
  }
}
