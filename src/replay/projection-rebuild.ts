import { Inject, Injectable, Logger } from '@nestjs/common';
import { rmSync } from 'node:fs';
import { sql, type Kysely, type Transaction } from 'kysely';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DATABASE, type Database } from '../database/database.js';
import { CommittedEventFeed } from '../event-store/committed-event-feed.js';
import { EVENT_STORE, type EventStore, type StoredEvent, type TransactionalProjection } from '../event-store/event-store.js';
import { batches } from '../event-store/batches.js';
import { ProjectionRegistry } from '../event-store/projection-registry.js';
import { toStoredEvent } from '../event-store/stored-event.mapper.js';
import { DomainError } from '../shared/domain-error.js';

export interface RebuildReport {
  projections: string[];
  tables: string[];
  events: number;
  headSeq: number;
  durationMs: number;
}

const BATCH = 5000;
const SCHEMA = 'rebuild';

export class RebuildInProgressError extends DomainError {
  constructor() {
    super('REBUILD_IN_PROGRESS', 409, 'a projection rebuild is already running');
  }
}

/**
 * Replays the whole log from seq 1 into fresh copies of every rebuildable projection's tables (an
 * attached scratch database), then swaps them in with one transaction. Commands and evaluations go on
 * against the old tables and in-memory state until that swap; the in-memory projection reloads right
 * after it, with no delivery in between.
 */
@Injectable()
export class ProjectionRebuild {
  private readonly logger = new Logger(ProjectionRebuild.name);
  private running = false;

  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: ProjectionRegistry,
    private readonly feed: CommittedEventFeed,
  ) {}

  async rebuild(): Promise<RebuildReport> {
    if (this.running) throw new RebuildInProgressError();
    this.running = true;
    const started = performance.now();
    const projections = this.registry.all().filter((p) => (p.tables?.length ?? 0) > 0);
    const tables = projections.flatMap((p) => p.tables ?? []);
    const scratch = `${this.config.dbPath}.rebuild-${process.pid}-${Date.now()}`;
    try {
      await sql`ATTACH DATABASE ${scratch} AS ${sql.raw(SCHEMA)}`.execute(this.db);
      // The scratch copy only has to survive until the swap; the swap itself is durable in the main file.
      await sql.raw(`PRAGMA ${SCHEMA}.synchronous = OFF`).execute(this.db);
      await sql.raw(`PRAGMA ${SCHEMA}.journal_mode = OFF`).execute(this.db);
      for (const table of tables) await this.createScratchTable(table);

      let seq = 0;
      for await (const events of batches(this.store.iterate({}), BATCH)) {
        await this.db.transaction().execute((trx) => this.applyAll(trx, projections, events));
        seq = events[events.length - 1]!.seq;
      }
      const headSeq = await this.swap(projections, tables, seq);
      await this.registry.notifyRebuilt();
      const report = { projections: projections.map((p) => p.name), tables, events: headSeq, headSeq, durationMs: Math.round(performance.now() - started) };
      this.logger.log({ msg: 'projections rebuilt', ...report });
      return report;
    } finally {
      await sql`DETACH DATABASE ${sql.raw(SCHEMA)}`.execute(this.db).catch(() => undefined);
      for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${scratch}${suffix}`, { force: true });
      this.running = false;
    }
  }

  /** Same definition as the live table (its DDL as SQLite stored it), without its secondary indexes. */
  private async createScratchTable(table: string): Promise<void> {
    const row = await sql<{ sql: string }>`SELECT sql FROM main.sqlite_master WHERE type = 'table' AND name = ${table}`.execute(this.db);
    const ddl = row.rows[0]?.sql;
    if (ddl === undefined) throw new Error(`projection table ${table} does not exist`);
    const scratchDdl = ddl.replace(/^create table\s+("?)([A-Za-z_][A-Za-z0-9_]*)\1/i, `CREATE TABLE ${SCHEMA}."$2"`);
    await sql.raw(scratchDdl).execute(this.db);
  }

  private async applyAll(trx: Transaction<Database>, projections: readonly TransactionalProjection[], events: readonly StoredEvent[]): Promise<void> {
    const scratch = trx.withSchema(SCHEMA);
    for (const projection of projections) await projection.apply(scratch, events);
  }

  /**
   * One transaction on the writer's connection, so no append interleaves: apply what was committed
   * since the replay's last batch, copy the scratch tables over the live ones, move the checkpoints.
   * Inside the feed's queue, so the in-memory reload that follows sees no half-delivered batch.
   */
  private async swap(projections: readonly TransactionalProjection[], tables: readonly string[], replayedSeq: number): Promise<number> {
    let headSeq = replayedSeq;
    await this.feed.exclusive(async () => {
      await this.db.transaction().execute(async (trx) => {
        for (;;) {
          const rows = await trx.selectFrom('events').selectAll().where('seq', '>', headSeq).orderBy('seq').limit(BATCH).execute();
          if (rows.length === 0) break;
          const events = rows.map(toStoredEvent);
          await this.applyAll(trx, projections, events);
          headSeq = events[events.length - 1]!.seq;
        }
        for (const table of tables) {
          await sql.raw(`DELETE FROM main."${table}"`).execute(trx);
          await sql.raw(`INSERT INTO main."${table}" SELECT * FROM ${SCHEMA}."${table}"`).execute(trx);
        }
        for (const projection of projections) {
          await trx
            .insertInto('projection_checkpoints')
            .values({ name: projection.name, seq: headSeq })
            .onConflict((oc) => oc.column('name').doUpdateSet({ seq: headSeq }))
            .execute();
        }
      });
    });
    return headSeq;
  }
}
