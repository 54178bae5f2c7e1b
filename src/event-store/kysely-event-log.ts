import type { Kysely } from 'kysely';
import { within, type Database } from '../database/index.js';
import { chunks, storageFailureOf, storageRefusal, type Clock } from '../shared/index.js';
import { AppendDeadlinePassedError, assertBeforeDeadline, type Deadlined } from './append-deadline.js';
import {
  assertAppendable,
  chainAppends,
  idempotencyRecord,
  toStoredIdempotentResponse,
  type CheckedStreamAppend,
} from './append-plan.js';
import type { EventFilter } from './event-filter.js';
import { KyselyEventHistory, type EventHistory } from './event-history.js';
import {
  GENESIS_HASH,
  IdempotencyKeyReusedError,
  VersionConflictError,
  type AppendContext,
  type AppendResult,
  type AppendsExcluded,
  type ChainHead,
  type EventStore,
  type NewEvent,
  type ProjectedEvent,
  type ProjectionWork,
  type StoredEvent,
  type StoredIdempotentResponse,
  type StreamAppend,
  type TransactionalProjection,
} from './event-store.js';
import type { StoreHealth } from './store-health.js';
import { PROJECTED_EVENT_COLUMNS, toEventRow, toProjectedEvent, toStoredEvent } from './stored-event.mapper.js';

/*
 * The event log's statements in plain Kysely, which SQLite and PostgreSQL run alike. A store wraps them
 * in its own transactions and supplies what differs: how appends are serialized (SQLite's single
 * connection, PostgreSQL's advisory lock), how they are grouped into commits, and how a long read is
 * streamed.
 */

/** One append as a store commits it: one or more distinct streams, one context, and when it must have committed. */
export interface AppendRequest extends Deadlined {
  appends: readonly StreamAppend[];
  context: AppendContext;
}

/** How one append ended inside its transaction: a result to hand back, or the refusal to throw. */
export type AppendOutcome =
  | { result: AppendResult; refusal?: undefined }
  | { result?: undefined; refusal: VersionConflictError | IdempotencyKeyReusedError };

/**
 * The statements an append runs that a store may do its own way (SQLite carries the head through a
 * commit group and inserts through prepared statements); the portable Kysely ones by default.
 */
export interface AppendStatements {
  head(trx: Kysely<Database>): Promise<ChainHead>;
  streamVersion(trx: Kysely<Database>, streamId: string): Promise<number>;
  insertEvents(trx: Kysely<Database>, events: readonly StoredEvent[]): Promise<void>;
}

export const PORTABLE_APPEND_STATEMENTS: AppendStatements = {
  head: (trx) => readHead(trx),
  streamVersion: (trx, streamId) => streamVersion(trx, streamId),
  insertEvents: async (trx, events) => {
    for (const chunk of chunks(events, 1000)) await trx.insertInto('events').values(chunk.map(toEventRow)).execute();
  },
};

/**
 * One append inside the caller's transaction, projections aside: the idempotency claim (a replay
 * answers the first response), every stream's expected-version check, the chained events and the
 * claim's record. A refusal writes nothing: it is returned, not thrown, so the caller's transaction (a
 * commit group's) goes on, which is why every stream is checked before any event is inserted. The
 * caller must have serialized appends: the head read here becomes the seq before the first new event.
 */
export async function stageAppend(
  trx: Kysely<Database>,
  { appends, context }: AppendRequest,
  clock: Clock,
  statements: AppendStatements = PORTABLE_APPEND_STATEMENTS,
): Promise<AppendOutcome> {
  const claim = context.idempotency;
  if (claim !== undefined) {
    const previous = await findIdempotentResponse(trx, claim.scope, claim.key);
    if (previous !== undefined) {
      if (previous.fingerprint !== claim.fingerprint) return { refusal: new IdempotencyKeyReusedError(claim.key) };
      return { result: { kind: 'replayed', response: previous.response } };
    }
  }
  const checked: CheckedStreamAppend[] = [];
  for (const { streamId, expectedVersion, events } of appends) {
    const actualVersion = await statements.streamVersion(trx, streamId);
    if (actualVersion !== expectedVersion)
      return { refusal: new VersionConflictError(streamId, expectedVersion, actualVersion) };
    checked.push({ streamId, fromVersion: actualVersion, events });
  }

  const stored = checked.every((append) => append.events.length === 0)
    ? []
    : chainAppends(await statements.head(trx), checked, context, clock.now());
  if (stored.length > 0) await statements.insertEvents(trx, stored);
  if (claim === undefined) return { result: { kind: 'appended', events: stored } };
  const response = claim.render(stored);
  await trx
    .insertInto('idempotency_records')
    .values(idempotencyRecord(claim, response, clock.now()))
    .execute();
  return { result: { kind: 'appended', events: stored, response } };
}

/** The events a group's appends added, in seq order (replays and refusals add none). */
export function appendedEvents(outcomes: readonly AppendOutcome[]): StoredEvent[] {
  return outcomes.flatMap((o) => (o.result?.kind === 'appended' ? o.result.events : []));
}

/** Applies each projection to `events`, then moves their checkpoints to the last of them, in the caller's transaction. */
export async function runProjections(
  trx: Kysely<Database>,
  projections: readonly TransactionalProjection[],
  events: readonly StoredEvent[],
): Promise<void> {
  if (events.length === 0 || projections.length === 0) return;
  const lastSeq = events[events.length - 1]!.seq;
  for (const projection of projections) await projection.apply(trx, events);
  await trx
    .insertInto('projection_checkpoints')
    .values(projections.map((p) => ({ name: p.name, seq: lastSeq })))
    .onConflict((oc) => oc.column('name').doUpdateSet({ seq: lastSeq }))
    .execute();
}

export async function readHead(db: Kysely<Database>): Promise<ChainHead> {
  const row = await db
    .selectFrom('events')
    .select(['seq', 'hash', 'at'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? { seq: 0, hash: GENESIS_HASH, at: null } : { seq: row.seq, hash: row.hash, at: row.at };
}

export async function streamVersion(db: Kysely<Database>, streamId: string): Promise<number> {
  const row = await db
    .selectFrom('events')
    .select((eb) => eb.fn.max('version').as('version'))
    .where('stream_id', '=', streamId)
    .executeTakeFirst();
  return Number(row?.version ?? 0);
}

export async function findIdempotentResponse(
  db: Kysely<Database>,
  scope: string,
  key: string,
): Promise<StoredIdempotentResponse | undefined> {
  const row = await db
    .selectFrom('idempotency_records')
    .select(['fingerprint', 'status', 'body'])
    .where('scope', '=', scope)
    .where('key', '=', key)
    .executeTakeFirst();
  return row === undefined ? undefined : toStoredIdempotentResponse(row);
}

export async function readStream(db: Kysely<Database>, streamId: string): Promise<StoredEvent[]> {
  const rows = await db.selectFrom('events').selectAll().where('stream_id', '=', streamId).orderBy('version').execute();
  return rows.map(toStoredEvent);
}

export async function readAll(db: Kysely<Database>, afterSeq: number, limit: number): Promise<StoredEvent[]> {
  const rows = await db
    .selectFrom('events')
    .selectAll()
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map(toStoredEvent);
}

/** Events with afterSeq < seq <= untilSeq, in seq order, at most `limit`, with only what a view reads. */
export async function readProjectedPage(
  db: Kysely<Database>,
  afterSeq: number,
  untilSeq: number,
  limit: number,
): Promise<ProjectedEvent[]> {
  const rows = await db
    .selectFrom('events')
    .select(PROJECTED_EVENT_COLUMNS)
    .where('seq', '>', afterSeq)
    .where('seq', '<=', untilSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map(toProjectedEvent);
}

/**
 * The reads every Kysely-backed store answers alike; a store adds how it appends, iterates and applies
 * projections.
 */
export abstract class KyselyEventStore implements EventStore {
  readonly history: EventHistory;
  private health: StoreHealth | undefined;
  /** FLAGLEDGER_DB_TIMEOUT_MS: how long an append may take from submit to commit; none in bare test stores. */
  protected appendTimeoutMs: number | undefined;

  constructor(protected readonly db: Kysely<Database>) {
    this.history = new KyselyEventHistory(db);
  }

  /** Commits one checked request the store's way (its commit groups, its serialization). */
  protected abstract submit(request: AppendRequest): Promise<AppendResult>;
  abstract iterate(filter: EventFilter): AsyncIterable<StoredEvent>;
  abstract readForProjections(afterSeq: number, batchSize: number): AsyncIterable<ProjectedEvent[]>;
  abstract applyProjections(work: readonly ProjectionWork[]): Promise<void>;
  abstract excludingAppends<T>(work: (excluded: AppendsExcluded) => Promise<T>): Promise<T>;

  append(
    streamId: string,
    expectedVersion: number,
    events: readonly NewEvent[],
    context: AppendContext,
  ): Promise<AppendResult> {
    return this.appendAll([{ streamId, expectedVersion, events }], context);
  }

  /**
   * Tells `health` how every append ends, storage-wise, and bounds each append to `timeoutMs` (the app's
   * store does both; bare stores in tests need neither).
   */
  watchedBy(health: StoreHealth, timeoutMs: number): this {
    this.health = health;
    this.appendTimeoutMs = timeoutMs;
    return this;
  }

  /**
   * A storage failure (disk full, I/O, unreachable, past FLAGLEDGER_DB_TIMEOUT_MS) becomes a 503 refusal
   * with Retry-After (storageRefusal), never a 500 and never a hang: the client may retry, with its
   * Idempotency-Key exactly once. While the store is down (until an append or the health probe finds it
   * back) appends are refused at once rather than each waiting out the timeout. Any other error stays
   * what it is, so a defect is not passed off as an outage.
   */
  async appendAll(appends: readonly StreamAppend[], context: AppendContext): Promise<AppendResult> {
    assertAppendable(appends);
    const state = this.health?.state;
    if (state !== undefined && !state.up) throw storageRefusal(state.failure);
    let result: AppendResult;
    const committing = { sent: false };
    try {
      result = await this.withinTimeout(this.submit({ appends, context, committing, ...this.deadline() }), committing);
    } catch (error) {
      const failure = storageFailureOf(error);
      if (failure === undefined) throw error;
      this.health?.appendFailed(failure, error);
      throw storageRefusal(failure);
    }
    this.health?.appended();
    return result;
  }

  private deadline(): Deadlined {
    return this.appendTimeoutMs === undefined ? {} : { deadline: Date.now() + this.appendTimeoutMs };
  }

  /**
   * The append's outcome, or AppendDeadlinePassedError once its time is up, unless its COMMIT is already
   * under way (then its outcome, whichever it is). An append still running at the deadline can no longer
   * commit: assertBeforeDeadline runs before its COMMIT.
   */
  private withinTimeout(append: Promise<AppendResult>, committing: { sent: boolean }): Promise<AppendResult> {
    const timeoutMs = this.appendTimeoutMs;
    if (timeoutMs === undefined) return append;
    return within(timeoutMs, append, () => (committing.sent ? undefined : new AppendDeadlinePassedError(timeoutMs)));
  }

  /** Before a commit group's COMMIT, in its transaction: see assertBeforeDeadline. */
  protected assertInTime(group: readonly Deadlined[]): void {
    if (this.appendTimeoutMs !== undefined) assertBeforeDeadline(group, this.appendTimeoutMs);
  }

  readStream(streamId: string): Promise<StoredEvent[]> {
    return readStream(this.db, streamId);
  }

  readAll(afterSeq: number, limit: number): Promise<StoredEvent[]> {
    return readAll(this.db, afterSeq, limit);
  }

  head(): Promise<ChainHead> {
    return readHead(this.db);
  }

  findIdempotentResponse(scope: string, key: string): Promise<StoredIdempotentResponse | undefined> {
    return findIdempotentResponse(this.db, scope, key);
  }
}

/** The log as a transaction that keeps appends out reads it. */
export function appendsExcluded(trx: Kysely<Database>): AppendsExcluded {
  return { db: trx, readAll: (afterSeq, limit) => readAll(trx, afterSeq, limit) };
}
