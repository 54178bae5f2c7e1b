import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { DATABASE, type Database } from '../database/database.js';
import { EVENT_STORE, type EventStore } from './event-store.js';
import { ProjectionRegistry } from './projection-registry.js';

const BATCH = 1000;

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
    for (const projection of this.registry.all()) {
      const row = await this.db.selectFrom('projection_checkpoints').select('seq').where('name', '=', projection.name).executeTakeFirst();
      let seq = row?.seq ?? 0;
      const from = seq;
      for (;;) {
        const events = await this.store.readAll(seq, BATCH);
        if (events.length === 0) break;
        await this.store.applyProjections([projection], events);
        seq = events[events.length - 1]!.seq;
      }
      if (seq !== from) this.logger.log(`projection ${projection.name} caught up from seq ${from} to ${seq}`);
    }
  }
}
