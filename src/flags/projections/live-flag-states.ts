import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { DATABASE, type Database } from '../../database/database.js';
import { CommittedEventFeed } from '../../event-store/committed-event-feed.js';
import { EVENT_STORE, type EventStore, type StoredEvent } from '../../event-store/event-store.js';
import { ProjectionRegistry } from '../../event-store/projection-registry.js';
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
  private states = new Map<string, FlagState>();
  private seq = 0;

  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly feed: CommittedEventFeed,
    registry: ProjectionRegistry,
  ) {
    super();
    feed.subscribe((events) => this.apply(events));
    // After a rebuild swapped the table in, answer from it; inside the feed's queue so no delivery interleaves.
    registry.onRebuilt(() => this.feed.exclusive(() => this.load()));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.load();
    // Start-up catch-up already brought the table to the head; the feed goes on from there.
    this.feed.startAt((await this.store.head()).seq);
  }

  /** Replaces the whole map at once, so evaluation sees either the old state or the new one. */
  private async load(): Promise<void> {
    // One transaction: the rows and the checkpoint describe the same moment of the log.
    const { rows, checkpoint } = await this.db.transaction().execute(async (trx) => ({
      rows: await trx.selectFrom('flag_state').select(['key', 'state']).execute(),
      checkpoint: await trx.selectFrom('projection_checkpoints').select('seq').where('name', '=', FLAG_STATE_PROJECTION).executeTakeFirst(),
    }));
    this.states = new Map(rows.map((row) => [row.key, JSON.parse(row.state) as FlagState]));
    this.seq = checkpoint?.seq ?? 0;
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
