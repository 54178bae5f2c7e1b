import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { DATABASE, type Database } from '../../database/database.js';
import { CommittedEventFeed } from '../../event-store/committed-event-feed.js';
import { EVENT_STORE, type EventStore, type StoredEvent } from '../../event-store/event-store.js';
import { foldFlagEvents } from '../flag-event-folding.js';
import { isFlagEventType } from '../flag.events.js';
import type { FlagState } from '../flag-state.js';
import { FLAG_STATE_PROJECTION } from './flag-state-table.projection.js';

/** Read access to the current flags; what evaluation and reads use. */
export abstract class FlagStateReader {
  abstract get(key: string): FlagState | undefined;
  abstract all(): IterableIterator<FlagState>;
  /** The last seq reflected in the states. */
  abstract get appliedSeq(): number;
}

/**
 * The in-memory projection: loaded once at start from the persisted flag_state table (not a replay),
 * then kept current from the committed-event feed. Evaluation never touches the database.
 */
@Injectable()
export class LiveFlagStates extends FlagStateReader implements OnApplicationBootstrap {
  private readonly states = new Map<string, FlagState>();
  private seq = 0;

  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly feed: CommittedEventFeed,
  ) {
    super();
    feed.subscribe((events) => this.apply(events));
  }

  async onApplicationBootstrap(): Promise<void> {
    const rows = await this.db.selectFrom('flag_state').select(['key', 'state']).execute();
    for (const row of rows) this.states.set(row.key, JSON.parse(row.state) as FlagState);
    const checkpoint = await this.db.selectFrom('projection_checkpoints').select('seq').where('name', '=', FLAG_STATE_PROJECTION).executeTakeFirst();
    this.seq = checkpoint?.seq ?? 0;
    // Start-up catch-up already brought the table to the head; the feed goes on from there.
    this.feed.startAt((await this.store.head()).seq);
  }

  get(key: string): FlagState | undefined {
    return this.states.get(key);
  }

  all(): IterableIterator<FlagState> {
    return this.states.values();
  }

  get appliedSeq(): number {
    return this.seq;
  }

  private apply(events: readonly StoredEvent[]): void {
    for (const event of events) {
      if (event.seq <= this.seq) continue;
      if (isFlagEventType(event.type)) {
        const next = foldFlagEvents(this.states.get(event.streamId), [event])!;
        this.states.set(event.streamId, next);
      }
      this.seq = event.seq;
    }
  }
}
