import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { AppConfig } from '../../config/index.js';
import { DATABASE, type Database } from '../../database/index.js';
import { type StoredEvent, CommittedEventFeed, ProjectionRegistry } from '../../event-store/index.js';
import { APP_CONFIG } from '../../shared/index.js';
import { foldFlagRecord } from '../flag-event-folding.js';
import { FlagStateReader, type FlagChangeListener } from '../flag-state-reader.js';
import { flagStateIn, parseFlagRecord, type FlagRecord, type FlagState } from '../flag-state.js';
import { isFlagEventType } from '../flag.events.js';
import { FLAG_STATE_PROJECTION } from './flag-state-table.projection.js';

/**
 * The in-memory projection: loaded once at start from the persisted flag_state table (not a replay),
 * then kept current from the committed-event feed. Evaluation never touches the database.
 */
@Injectable()
export class LiveFlagStates extends FlagStateReader implements OnApplicationBootstrap {
  private readonly logger = new Logger(LiveFlagStates.name);
  readonly defaultEnvironment: string;
  private byKey = new Map<string, FlagRecord>();
  /**
   * Each environment's view of each flag, made on first read and dropped when the flag changes: evaluation
   * reads a ready object, as before environments. Keyed by environments that exist (the routes check), so
   * it is bounded by environments × flags.
   */
  private readonly views = new Map<string, Map<string, FlagState>>();
  private seq = 0;
  private readonly listeners = new Set<FlagChangeListener>();

  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    private readonly feed: CommittedEventFeed,
    registry: ProjectionRegistry,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    super();
    this.defaultEnvironment = config.defaultEnvironment;
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
    this.byKey = new Map(rows.map((row) => [row.key, parseFlagRecord(row.state, this.defaultEnvironment)]));
    this.views.clear();
    this.seq = checkpoint?.seq ?? 0;
  }

  get(key: string, environment: string = this.defaultEnvironment): FlagState | undefined {
    const views = this.viewsOf(environment);
    const view = views.get(key);
    if (view !== undefined) return view;
    const record = this.byKey.get(key);
    if (record === undefined) return undefined;
    const made = flagStateIn(record, environment);
    views.set(key, made);
    return made;
  }

  private viewsOf(environment: string): Map<string, FlagState> {
    let views = this.views.get(environment);
    if (views === undefined) {
      views = new Map();
      this.views.set(environment, views);
    }
    return views;
  }

  *all(environment: string = this.defaultEnvironment): IterableIterator<FlagState> {
    for (const key of this.byKey.keys()) yield this.get(key, environment)!;
  }

  record(key: string): FlagRecord | undefined {
    return this.byKey.get(key);
  }

  records(): IterableIterator<FlagRecord> {
    return this.byKey.values();
  }

  get appliedSeq(): number {
    return this.seq;
  }

  subscribe(listener: FlagChangeListener): () => void {
    // A wrapper per call, so subscribing the same function twice gives two independent subscriptions.
    const entry: FlagChangeListener = (event, record) => listener(event, record);
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
      const next = isFlagEventType(event.type)
        ? foldFlagRecord(this.byKey.get(event.streamId), [event], this.defaultEnvironment)!
        : undefined;
      if (next !== undefined) {
        this.byKey.set(event.streamId, next);
        for (const views of this.views.values()) views.delete(event.streamId);
      }
      this.seq = event.seq;
      if (next !== undefined) this.notify(event, next);
    }
  }

  /** One failing listener must neither stop the others nor leave the projection half-applied. */
  private notify(event: StoredEvent, record: FlagRecord): void {
    for (const listener of this.listeners) {
      try {
        listener(event, record);
      } catch (error) {
        this.logger.error(`flag change listener failed on seq ${event.seq}: ${String(error)}`);
      }
    }
  }
}
