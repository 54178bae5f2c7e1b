import { Inject, Injectable, Logger } from '@nestjs/common';
import { sql, type Kysely } from 'kysely';
import { DATABASE, dialectSql, type Database } from '../database/index.js';
import { chunks, CLOCK, PeriodicFlush, type Clock } from '../shared/index.js';
import { TELEMETRY_FLUSH_INTERVAL } from '../telemetry/index.js';
import {
  CLIENT_SEEN_WINDOW_MS,
  MAX_TRACKED_CLIENTS,
  type ClientKind,
  type ClientSighting,
  type ConnectedClient,
} from './client-sighting.js';
import { PendingSightings, type PendingSighting } from './pending-sightings.js';

/** Rows per upsert statement: 8 parameters each, far below SQLite's 32,766 per statement. */
const UPSERT_ROWS = 500;

/**
 * The SDK instances seen in the last hour, whatever protocol they speak (docs/contract.md §11). A route
 * that serves a client calls seen() (one map write, no I/O); the sightings are written to
 * client_sightings with telemetry's cadence and at shutdown, where every instance sharing the database
 * keeps the later instants, so a client served by one instance is listed by all. Not events: being seen
 * changes nothing, and a crash loses only the last few seconds of sightings.
 *
 * Bounded however many instance ids clients make up: MAX_TRACKED_CLIENTS in memory (the stalest
 * dropped), and the table trimmed to as many, and to the last hour, at every write.
 */
@Injectable()
export class ConnectedClients extends PeriodicFlush {
  private readonly logger = new Logger(ConnectedClients.name);
  private readonly pending = new PendingSightings();

  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(TELEMETRY_FLUSH_INTERVAL) flushIntervalMs: number,
  ) {
    super(flushIntervalMs);
  }

  /**
   * A client was served now. Ignored when it names neither an app nor an instance: nothing would tell
   * it from the next one. Callers cap the names (clientName) or validate them.
   */
  seen(sighting: ClientSighting): void {
    this.pending.note(sighting, this.clock.now().getTime());
  }

  /**
   * Every client seen in the last hour (in `environment` when given), the most recently seen first. This
   * instance's own sightings are written first, so they are exact; other instances' are as of their last write.
   */
  async list(environment?: string): Promise<ConnectedClient[]> {
    await this.flush();
    const rows = await this.db
      .selectFrom('client_sightings')
      .selectAll()
      .where('last_seen', '>=', this.cutoff())
      .$if(environment !== undefined, (q) => q.where('environment', '=', environment!))
      .orderBy('last_seen', 'desc')
      .orderBy('kind')
      .orderBy('app_name')
      .orderBy('instance_id')
      .limit(MAX_TRACKED_CLIENTS)
      .execute();
    return rows.map((row) => ({
      kind: row.kind as ClientKind,
      appName: row.app_name === '' ? null : row.app_name,
      instanceId: row.instance_id === '' ? null : row.instance_id,
      environment: row.environment,
      lastSeen: row.last_seen,
      appliedSeq: row.applied_seq === null ? null : Number(row.applied_seq),
      etag: row.etag,
    }));
  }

  private cutoff(): string {
    return new Date(this.clock.now().getTime() - CLIENT_SEEN_WINDOW_MS).toISOString();
  }

  protected async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending.take();
    try {
      await this.db.transaction().execute(async (trx) => {
        // Keys are distinct within a batch (PendingSightings holds one entry per key), as one statement needs.
        for (const rows of chunks(batch, UPSERT_ROWS)) await upsert(trx, rows);
        await trim(trx, this.cutoff());
      });
    } catch (error) {
      // A failed write must never fail a request: the batch waits for the next flush.
      this.pending.giveBack(batch);
      this.logger.error({
        msg: 'client sightings flush failed; will retry',
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}

/**
 * Sightings into their rows: the later last_seen, and the later report of what the client applied (a
 * register or metrics call after a features answer says nothing of it, so it keeps the seq and the ETag).
 */
async function upsert(db: Kysely<Database>, sightings: readonly PendingSighting[]): Promise<void> {
  // The later of two instants: SQLite's scalar max(a, b) is PostgreSQL's greatest(a, b).
  const greatest = dialectSql(db, { sqlite: 'max', postgres: 'greatest' } as const);
  const newer = sql<boolean>`excluded.applied_at IS NOT NULL AND (client_sightings.applied_at IS NULL OR excluded.applied_at >= client_sightings.applied_at)`;
  await db
    .insertInto('client_sightings')
    .values(
      sightings.map(({ kind, environment, appName, instanceId, lastSeen, applied }) => ({
        kind,
        environment,
        app_name: appName,
        instance_id: instanceId,
        last_seen: new Date(lastSeen).toISOString(),
        applied_seq: applied?.seq ?? null,
        applied_at: applied === undefined ? null : new Date(applied.at).toISOString(),
        etag: applied?.etag ?? null,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['kind', 'environment', 'app_name', 'instance_id']).doUpdateSet((eb) => ({
        last_seen: eb.fn(greatest, ['client_sightings.last_seen', eb.ref('excluded.last_seen')]),
        applied_seq: sql`CASE WHEN ${newer} THEN excluded.applied_seq ELSE client_sightings.applied_seq END`,
        etag: sql`CASE WHEN ${newer} THEN excluded.etag ELSE client_sightings.etag END`,
        applied_at: sql`CASE WHEN ${newer} THEN excluded.applied_at ELSE client_sightings.applied_at END`,
      })),
    )
    .execute();
}

/**
 * Rows older than the hour go, and so do all but the MAX_TRACKED_CLIENTS most recently seen: several
 * instances each holding their own bound must not add up to more in the table. By key, not by a last_seen
 * threshold: a flood noted within one millisecond ties on last_seen.
 */
async function trim(db: Kysely<Database>, cutoff: string): Promise<void> {
  await db.deleteFrom('client_sightings').where('last_seen', '<', cutoff).execute();
  const held = await db
    .selectFrom('client_sightings')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .executeTakeFirstOrThrow();
  // PostgreSQL's count is a bigint, which pg hands over as text.
  if (Number(held.count) <= MAX_TRACKED_CLIENTS) return;
  await sql`
    DELETE FROM client_sightings WHERE (kind, environment, app_name, instance_id) NOT IN (
      SELECT kind, environment, app_name, instance_id FROM client_sightings
      ORDER BY last_seen DESC, kind, environment, app_name, instance_id LIMIT ${MAX_TRACKED_CLIENTS}
    )`.execute(db);
}
