import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { DATABASE, type Database } from '../../database/index.js';
import { type StoredEvent, CommittedEventFeed, ProjectionRegistry } from '../../event-store/index.js';
import { foldFlagEvents } from '../flag-event-folding.js';
import { FlagStateReader, type FlagChangeListener } from '../flag-state-reader.js';
import type { FlagState } from '../flag-state.js';
import { isFlagEventType } from '../flag.events.js';
import { FLAG_STATE_PROJECTION } from './flag-state-table.projection.js';

/**
 * The in-memory projection: loaded once at start from the persisted flag_state table (not a replay),
 * then kept current from the committed-event feed. Evaluation never touches the database.
 */
@Injectable()
export class LiveFlagStates extends FlagStateReader implements OnApplicationBootstrap {
  private readonly logger = new Logger(LiveFlagStates.name);
  private states = new Map<string, FlagState>();
  private seq = 0;
  private readonly listeners = new Set<FlagChangeListener>();

  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
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
    // Start-up catch-up brought the table to the head; the feed goes on from the seq the table reflects,
    // and delivers whatever another instance (PostgreSQL) committed since.
    this.feed.startAt(this.seq);
    await this.feed.catchUp();
  }

  /** Replaces the whole map at once, so evaluation sees either the old state or the new one. */
  private async load(): Promise<void> {
    // One snapshot: the rows and the checkpoint describe the same moment of the log, even while another
    // instance appends (REPEATABLE READ on PostgreSQL; SQLite's read transaction is a snapshot already).
    const { rows, checkpoint } = await this.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (trx) => ({
        rows: await trx.selectFrom('flag_state').select(['key', 'state']).execute(),
        checkpoint: await trx
          .selectFrom('projection_checkpoints')
          .select('seq')
          .where('name', '=', FLAG_STATE_PROJECTION)
          .executeTakeFirst(),
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

  subscribe(listener: FlagChangeListener): () => void {
    // A wrapper per call, so subscribing the same function twice gives two independent subscriptions.
    const entry: FlagChangeListener = (event, state) => listener(event, state);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  /** How many subscriptions are open (streams that did not unsubscribe would show here). */
  get listenerCount(): number {
    return this.listeners.size;
  }

  private apply(events: readonly StoredEvent[]): void {
    for (const event of events) {
      if (event.seq <= this.seq) continue;
      const next = isFlagEventType(event.type) ? foldFlagEvents(this.states.get(event.streamId), [event])! : undefined;
      if (next !== undefined) this.states.set(event.streamId, next);
      this.seq = event.seq;
      if (next !== undefined) this.notify(event, next);
    }
  }

  /** One failing listener must neither stop the others nor leave the projection half-applied. */
  private notify(event: StoredEvent, state: FlagState): void {
    for (const listener of this.listeners) {
      try {
        listener(event, state);
      } catch (error) {
        this.logger.error(`flag change listener failed on seq ${event.seq}: ${String(error)}`);
      }
    }
  }
}
