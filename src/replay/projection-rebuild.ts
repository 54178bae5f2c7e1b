import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { DATABASE, type Database } from '../database/index.js';
import {
  CommittedEventFeed,
  EVENT_STORE,
  isRebuildable,
  type EventStore,
  type ProjectedEvent,
  type RebuildableProjection,
  ProjectionRegistry,
} from '../event-store/index.js';
import { DomainError } from '../shared/index.js';
import { createScratchTables, dropLeftoverScratchTables, type ScratchTables } from './scratch-tables.js';

export interface RebuildReport {
  projections: string[];
  tables: string[];
  events: number;
  headSeq: number;
  durationMs: number;
}

const BATCH = 5000;

export class RebuildInProgressError extends DomainError {
  constructor() {
    super('REBUILD_IN_PROGRESS', 'a projection rebuild is already running');
  }
}

/**
 * Replays the whole log from seq 1 into fresh copies of every rebuildable projection's tables (renamed
 * tables beside the live ones on SQLite, a scratch schema on PostgreSQL), then swaps them in with one
 * transaction that keeps every append out. Commands and evaluations go on
 * against the old tables and in-memory state until that swap; the in-memory projection reloads right
 * after it, with no delivery in between.
 */
@Injectable()
export class ProjectionRebuild implements OnModuleInit {
  private readonly logger = new Logger(ProjectionRebuild.name);
  private running = false;

  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly registry: ProjectionRegistry,
    private readonly feed: CommittedEventFeed,
  ) {}

  /** A rebuild whose process died leaves its copies behind (the live tables are whole): they go at start. */
  async onModuleInit(): Promise<void> {
    await dropLeftoverScratchTables(this.db);
  }

  async rebuild(): Promise<RebuildReport> {
    if (this.running) throw new RebuildInProgressError();
    this.running = true;
    const started = performance.now();
    const projections = this.registry.all().filter(isRebuildable);
    const tables = projections.flatMap((p) => p.tables);
    let scratch: ScratchTables | undefined;
    try {
      scratch = await createScratchTables(this.db, tables);
      let seq = 0;
      for await (const events of this.store.readForProjections(0, BATCH)) {
        await this.db.transaction().execute((trx) => this.applyAll(trx, scratch!, projections, events));
        seq = events[events.length - 1]!.seq;
      }
      const headSeq = await this.swap(scratch, projections, seq);
      await this.registry.notifyRebuilt();
      const report = {
        projections: projections.map((p) => p.name),
        tables,
        events: headSeq,
        headSeq,
        durationMs: Math.round(performance.now() - started),
      };
      this.logger.log({ msg: 'projections rebuilt', ...report });
      return report;
    } finally {
      await scratch
        ?.drop()
        .catch((error: unknown) =>
          this.logger.warn({ msg: 'could not remove the rebuild scratch tables', error: String(error) }),
        );
      this.running = false;
    }
  }

  private async applyAll(
    trx: Kysely<Database>,
    scratch: ScratchTables,
    projections: readonly RebuildableProjection[],
    events: readonly ProjectedEvent[],
  ): Promise<void> {
    const copies = scratch.target(trx);
    for (const projection of projections) await projection.apply(copies, events);
  }

  /**
   * One transaction that keeps every instance's appends out (the store's `excludingAppends`): apply what was
   * committed since the replay's last batch, put the copies in the live tables' place, move the checkpoints.
   * Inside the feed's queue, so the in-memory reload that follows sees no half-delivered batch.
   */
  private async swap(
    scratch: ScratchTables,
    projections: readonly RebuildableProjection[],
    replayedSeq: number,
  ): Promise<number> {
    let headSeq = replayedSeq;
    await this.feed.exclusive(() =>
      this.store.excludingAppends(async (log) => {
        const trx = log.db;
        for (;;) {
          const events = await log.readAll(headSeq, BATCH);
          if (events.length === 0) break;
          await this.applyAll(trx, scratch, projections, events);
          headSeq = events[events.length - 1]!.seq;
        }
        await scratch.swapIn(trx);
        for (const projection of projections) {
          await trx
            .insertInto('projection_checkpoints')
            .values({ name: projection.name, seq: headSeq })
            .onConflict((oc) => oc.column('name').doUpdateSet({ seq: headSeq }))
            .execute();
        }
      }),
    );
    return headSeq;
  }
}
