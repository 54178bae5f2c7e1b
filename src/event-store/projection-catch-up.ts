import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { DATABASE, type Database } from '../database/index.js';
import { batches } from './batches.js';
import { EVENT_STORE, type EventStore } from './event-store.js';
import { ProjectionRegistry } from './projection-registry.js';

/** Large batches: each is one transaction, so one fsync, during catch-up. */
const BATCH = 5000;

/**
 * At start, brings every database projection from its own checkpoint to the head of the log: after a
 * crash, or when a projection is new, only the missing tail is applied, never a full replay.
 */
@Injectable()
export class ProjectionCatchUp implements OnModuleInit {
  private readonly logger = new Logger(ProjectionCatchUp.name);

  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly registry: ProjectionRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    const projections = this.registry.all();
    if (projections.length === 0) return;
    const rows = await this.db.selectFrom('projection_checkpoints').select(['name', 'seq']).execute();
    const checkpoints = new Map(projections.map((p) => [p.name, rows.find((r) => r.name === p.name)?.seq ?? 0]));
    const from = Math.min(...checkpoints.values());
    // One pass over the log for all projections, one transaction (one fsync) per batch.
    let seq = from;
    // One read cursor over the tail of the log; the writes go through the writer's connection meanwhile.
    for await (const events of batches(this.store.iterate({ afterSeq: from }), BATCH)) {
      await this.store.applyProjections(
        projections.map((projection) => ({
          projection,
          events: events.filter((e) => e.seq > checkpoints.get(projection.name)!),
        })),
      );
      seq = events[events.length - 1]!.seq;
    }
    if (seq !== from)
      this.logger.log({ msg: 'projections caught up', from, to: seq, projections: projections.map((p) => p.name) });
  }
}
