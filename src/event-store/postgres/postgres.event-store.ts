import { sql, type Kysely } from 'kysely';
import type { Database } from '../../database/index.js';
import { isStorageFailure, type Clock } from '../../shared/index.js';
import type { EventFilter } from '../event-filter.js';
import type { AppendResult, AppendsExcluded, ProjectedEvent, ProjectionWork, StoredEvent } from '../event-store.js';
import { GroupCommit } from '../group-commit.js';
import {
  appendedEvents,
  appendsExcluded,
  KyselyEventStore,
  readHead,
  readProjectedPage,
  runProjections,
  stageAppend,
  type AppendOutcome,
  type AppendRequest,
} from '../kysely-event-log.js';
import type { ProjectionRegistry } from '../projection-registry.js';
import { toStoredEvent } from '../stored-event.mapper.js';

/**
 * The transaction-scoped advisory lock every append takes first: the bytes of "Flagledg" as a signed
 * 64-bit integer. Advisory locks are per database, so two Flagledger databases on one server never
 * contend. In pg_locks it shows as locktype 'advisory', classid 1181507943, objid 1818584167.
 */
export const APPEND_LOCK_ID = 5074537976967816295n;

/** Waits for the append lock inside `trx`, which holds it until it ends. */
async function takeAppendLock(trx: Kysely<Database>): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${sql.lit(APPEND_LOCK_ID)})`.execute(trx);
}

/**
 * The channel appends NOTIFY with their last seq; delivered at commit, and only if it commits, to every
 * session that LISTENs (CommittedLogFollower on each instance).
 */
export const EVENTS_CHANNEL = 'flagledger_events';

export interface PostgresEventStoreOptions {
  /** Rows per query when `iterate` pages through the log. Default 1,000. */
  pageSize?: number;
}

/**
 * The event store on PostgreSQL, for several Flagledger instances over one database. Every append (and
 * every projection catch-up) first takes one advisory lock in its transaction, so appends run one at a
 * time across all instances: head + 1 is free when it is read, seq stays gapless, the chain stays linear,
 * and transactions commit in seq order. A reader that follows `seq > checkpoint` therefore never skips
 * an event that commits late with a lower seq: there is none.
 */
export class PostgresEventStore extends KyselyEventStore {
  private readonly pageSize: number;

  constructor(
    db: Kysely<Database>,
    private readonly projections: ProjectionRegistry,
    private readonly clock: Clock,
    options: PostgresEventStoreOptions = {},
  ) {
    super(db);
    this.pageSize = options.pageSize ?? 1000;
    if (!Number.isInteger(this.pageSize) || this.pageSize < 1)
      throw new RangeError(`pageSize must be a positive integer, got ${options.pageSize}`);
  }

  /**
   * Appends arriving together at this instance commit in one transaction under one hold of the lock
   * (GroupCommit): across instances the lock still takes one holder at a time, but each holder commits a
   * batch with one fsync. The group is taken once the lock is held.
   */
  private readonly groups = new GroupCommit(
    (take) =>
      this.serialized(async (trx) => {
        const group = take();
        const staged: AppendOutcome[] = [];
        for (const append of group) staged.push(await stageAppend(trx, append, this.clock));
        const appended = appendedEvents(staged);
        if (appended.length > 0) {
          await runProjections(trx, this.projections.all(), appended);
          await sql`SELECT pg_notify(${EVENTS_CHANNEL}, ${String(appended[appended.length - 1]!.seq)})`.execute(trx);
        }
        this.assertInTime(group);
        return staged;
      }, this.appendTimeoutMs),
    isStorageFailure,
  );

  protected submit(request: AppendRequest): Promise<AppendResult> {
    return this.groups.submit(request);
  }

  /**
   * Keyset pages (`seq > last … LIMIT pageSize`) bounded by the head seq read when the iteration starts,
   * rather than one cursor held open in a REPEATABLE READ transaction. Both read the same events: the log
   * is append-only and every seq up to a committed head is committed (appends commit in seq order), so
   * seq ≤ head is a snapshot. Pages hold no connection and no transaction while the consumer works, so a
   * slow export neither pins a pooled connection nor holds back vacuum; memory stays one page.
   */
  async *iterate(filter: EventFilter): AsyncIterable<StoredEvent> {
    const { seq: headSeq } = await readHead(this.db);
    const lastSeq = Math.min(headSeq, filter.untilSeq ?? headSeq);
    let afterSeq = filter.afterSeq ?? 0;
    while (afterSeq < lastSeq) {
      let query = this.db.selectFrom('events').selectAll().where('seq', '>', afterSeq).where('seq', '<=', lastSeq);
      if (filter.streamId !== undefined) query = query.where('stream_id', '=', filter.streamId);
      if (filter.actor !== undefined) query = query.where('actor', '=', filter.actor);
      if (filter.types !== undefined && filter.types.length > 0) query = query.where('type', 'in', filter.types);
      if (filter.from !== undefined) query = query.where('at', '>=', filter.from);
      if (filter.to !== undefined) query = query.where('at', '<=', filter.to);
      const rows = await query.orderBy('seq').limit(this.pageSize).execute();
      for (const row of rows) yield toStoredEvent(row);
      if (rows.length < this.pageSize) return;
      afterSeq = rows[rows.length - 1]!.seq;
    }
  }

  /** Keyset pages of `batchSize` up to the head read as it starts, like `iterate`. */
  async *readForProjections(afterSeq: number, batchSize: number): AsyncIterable<ProjectedEvent[]> {
    const { seq: headSeq } = await readHead(this.db);
    for (let after = afterSeq; after < headSeq;) {
      const events = await readProjectedPage(this.db, after, headSeq, batchSize);
      if (events.length === 0) return;
      yield events;
      after = events[events.length - 1]!.seq;
    }
  }

  /**
   * Under the append lock, and against the checkpoints as they stand once it is held: instances starting
   * together each read the checkpoints before catching up, and the one that waited must not apply again
   * what the other applied meanwhile. Each projection gets only the events past its own checkpoint, so a
   * database projection sees every event exactly once, whichever instance appended or caught it up.
   */
  async applyProjections(work: readonly ProjectionWork[]): Promise<void> {
    const pending = work.filter((w) => w.events.length > 0);
    if (pending.length === 0) return;
    await this.serialized(async (trx) => {
      const rows = await trx.selectFrom('projection_checkpoints').select(['name', 'seq']).execute();
      const checkpoints = new Map(rows.map((r) => [r.name, r.seq]));
      for (const { projection, events } of pending) {
        const checkpoint = checkpoints.get(projection.name) ?? 0;
        await runProjections(
          trx,
          [projection],
          events.filter((e) => e.seq > checkpoint),
        );
      }
    });
  }

  /** Under the append lock every instance's appends take. */
  excludingAppends<T>(work: (excluded: AppendsExcluded) => Promise<T>): Promise<T> {
    return this.serialized((trx) => work(appendsExcluded(trx)));
  }

  /**
   * Runs `work` in a READ COMMITTED transaction that first waits for the append lock. READ COMMITTED
   * (set explicitly, whatever the server's default) takes a new snapshot per statement, so everything
   * after the lock sees every append committed before it; a REPEATABLE READ snapshot would date from the
   * lock statement's start, before the wait, and miss them.
   */
  private serialized<T>(work: (trx: Kysely<Database>) => Promise<T>, statementTimeoutMs?: number): Promise<T> {
    return this.db
      .transaction()
      .setIsolationLevel('read committed')
      .execute(async (trx) => {
        // An append bounds its lock wait and each statement server-side: the server cancels them, so
        // nothing keeps running (or holding the lock) after its client was answered 503.
        if (statementTimeoutMs !== undefined) {
          await sql`SELECT set_config('statement_timeout', ${String(statementTimeoutMs)}, true)`.execute(trx);
          await sql`SELECT set_config('lock_timeout', ${String(statementTimeoutMs)}, true)`.execute(trx);
        }
        await takeAppendLock(trx);
        return work(trx);
      });
  }
}
