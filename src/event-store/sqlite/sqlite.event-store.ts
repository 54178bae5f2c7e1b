import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../database/database.js';
import type { Clock } from '../../shared/clock.js';
import { canonicalJson } from '../../shared/canonical-json.js';
import { eventHash } from '../event-hash.js';
import {
  GENESIS_HASH,
  IdempotencyKeyReusedError,
  VersionConflictError,
  type AppendContext,
  type AppendResult,
  type ChainHead,
  type EventFilter,
  type EventStore,
  type NewEvent,
  type ProjectionWork,
  type StoredEvent,
  type StoredIdempotentResponse,
  type TransactionalProjection,
} from '../event-store.js';
import type { ProjectionRegistry } from '../projection-registry.js';
import { toEventRow, toStoredEvent } from '../stored-event.mapper.js';
import type { EventTable } from '../event.table.js';

/** Opens a separate read-only connection: a long cursor must not hold the writer's connection. */
export type SqliteReaderFactory = () => BetterSqlite3.Database;

const EVENT_COLUMNS = ['seq', 'stream_id', 'version', 'type', 'schema_version', 'data', 'actor', 'reason', 'at', 'idempotency_key', 'prev_hash', 'hash'] as const satisfies readonly (keyof EventTable)[];
const INSERT_EVENT = `INSERT INTO events (${EVENT_COLUMNS.join(', ')}) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')})`;
const STREAM_VERSION = 'SELECT max(version) AS version FROM events WHERE stream_id = ?';

/** At most this many appends share one transaction: bounds the time one commit holds the writer. */
const MAX_GROUP = 256;

interface PendingAppend {
  streamId: string;
  expectedVersion: number;
  events: readonly NewEvent[];
  context: AppendContext;
  resolve: (result: AppendResult) => void;
  reject: (reason: unknown) => void;
}

/** How one append of a group ended: a result to hand back, or the refusal to throw. */
type Outcome = { result: AppendResult; refusal?: undefined } | { result?: undefined; refusal: Error };

/** How many rows a cursor hands over before letting other work (evaluations, commands) run. */
const ROWS_PER_TURN = 500;

/**
 * The embedded default store. Kysely's SQLite driver runs one connection and one transaction at a
 * time, so reading the head and inserting head + 1 inside a transaction keeps seq gapless and the hash
 * chain linear.
 */
export class SqliteEventStore implements EventStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly projections: ProjectionRegistry,
    private readonly clock: Clock,
    private readonly openReader: SqliteReaderFactory,
  ) {}

  /**
   * Group commit: appends that arrive while a transaction is committing wait and then commit together,
   * so one fsync (synchronous=FULL) acknowledges many commands. Each append is still checked on its own
   * (version, idempotency) against the log as the earlier appends of its group left it, and every caller
   * hears its outcome only after the group's commit.
   */
  append(streamId: string, expectedVersion: number, events: readonly NewEvent[], context: AppendContext): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ streamId, expectedVersion, events, context, resolve, reject });
      if (this.committing) return;
      this.committing = true;
      void this.commitPending();
    });
  }

  private readonly pending: PendingAppend[] = [];
  private committing = false;

  private async commitPending(): Promise<void> {
    try {
      do {
        // The driver is synchronous, so a command runs from request to append without yielding. One
        // turn of the event loop lets every request that has already arrived reach its append and
        // join this group, instead of each waiting for its own fsync.
        await yieldToEventLoop();
        await this.commitGroup();
      } while (this.pending.length > 0);
    } finally {
      this.committing = false;
    }
  }

  /**
   * The group is taken once the transaction holds the connection, not before: appends whose callers
   * were still waiting for the connection (reading state) when the previous group ended join this one.
   */
  private async commitGroup(only?: PendingAppend): Promise<void> {
    let group: readonly PendingAppend[] = [];
    let outcomes: Outcome[];
    try {
      outcomes = await this.db.transaction().execute(async (trx) => {
        group = only !== undefined ? [only] : this.pending.splice(0, MAX_GROUP);
        // The head is read once per group and carried along: this connection is the only writer.
        const head = { current: await this.readHead(trx) };
        const staged: Outcome[] = [];
        for (const append of group) staged.push(await this.stage(trx, append, head));
        const appended = staged.flatMap((o) => (o.result?.kind === 'appended' ? o.result.events : []));
        await this.runProjections(trx, this.projections.all(), appended);
        return staged;
      });
    } catch (error) {
      // Something other than a refused append broke the transaction: commit each alone, so only the
      // append that causes it fails.
      if (group.length === 1) return group[0]!.reject(error);
      for (const append of group) await this.commitGroup(append);
      return;
    }
    group.forEach((append, i) => {
      const { result, refusal } = outcomes[i]!;
      if (result !== undefined) append.resolve(result);
      else append.reject(refusal);
    });
  }

  /** One append inside its group's transaction; a refusal (conflict, reused key) writes nothing. */
  private async stage(trx: Transaction<Database>, { streamId, expectedVersion, events, context }: PendingAppend, head: { current: ChainHead }): Promise<Outcome> {
    const claim = context.idempotency;
    if (claim !== undefined) {
      const previous = await this.idempotentResponse(trx, claim.scope, claim.key);
      if (previous !== undefined) {
        if (previous.fingerprint !== claim.fingerprint) return { refusal: new IdempotencyKeyReusedError(claim.key) };
        return { result: { kind: 'replayed', response: previous.response } };
      }
    }
    const actualVersion = await this.streamVersion(trx, streamId);
    if (actualVersion !== expectedVersion) return { refusal: new VersionConflictError(streamId, expectedVersion, actualVersion) };

    const stored = await this.insertEvents(trx, head, streamId, actualVersion, events, context);
    if (claim === undefined) return { result: { kind: 'appended', events: stored } };
    const response = claim.render(stored);
    await trx
      .insertInto('idempotency_records')
      .values({
        scope: claim.scope,
        key: claim.key,
        fingerprint: claim.fingerprint,
        status: response.status,
        body: JSON.stringify(response.body),
        created_at: this.clock.now().toISOString(),
      })
      .execute();
    return { result: { kind: 'appended', events: stored, response } };
  }

  async readStream(streamId: string): Promise<StoredEvent[]> {
    const rows = await this.db.selectFrom('events').selectAll().where('stream_id', '=', streamId).orderBy('version').execute();
    return rows.map(toStoredEvent);
  }

  async readAll(afterSeq: number, limit: number): Promise<StoredEvent[]> {
    const rows = await this.db.selectFrom('events').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
    return rows.map(toStoredEvent);
  }

  async head(): Promise<ChainHead> {
    return this.readHead(this.db);
  }

  async *iterate(filter: EventFilter): AsyncIterable<StoredEvent> {
    const { where, params } = whereClause(filter);
    const reader = this.openReader();
    try {
      const rows = reader.prepare(`SELECT * FROM events${where} ORDER BY seq`).iterate(params) as IterableIterator<EventTable>;
      let sinceYield = 0;
      for (const row of rows) {
        yield toStoredEvent(row);
        if (++sinceYield === ROWS_PER_TURN) {
          sinceYield = 0;
          await yieldToEventLoop();
        }
      }
    } finally {
      reader.close();
    }
  }

  async findIdempotentResponse(scope: string, key: string): Promise<StoredIdempotentResponse | undefined> {
    return this.idempotentResponse(this.db, scope, key);
  }

  async applyProjections(work: readonly ProjectionWork[]): Promise<void> {
    const pending = work.filter((w) => w.events.length > 0);
    if (pending.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const { projection, events } of pending) await this.runProjections(trx, [projection], events);
    });
  }

  private async insertEvents(
    trx: Transaction<Database>,
    chainHead: { current: ChainHead },
    streamId: string,
    fromVersion: number,
    events: readonly NewEvent[],
    context: AppendContext,
  ): Promise<StoredEvent[]> {
    if (events.length === 0) return [];
    const head = chainHead.current;
    // Never let time run backwards along the log: asOf reads rely on `at` growing with seq.
    const now = this.clock.now().toISOString();
    const at = head.at !== null && head.at > now ? head.at : now;
    const stored: StoredEvent[] = [];
    let prevHash = head.hash;
    events.forEach((event, i) => {
      const unhashed = {
        seq: head.seq + 1 + i,
        streamId,
        version: fromVersion + 1 + i,
        type: event.type,
        schemaVersion: event.schemaVersion,
        // Normalised through canonical JSON so what we hash is exactly what we store and read back.
        data: JSON.parse(canonicalJson(event.data)) as unknown,
        actor: context.actor,
        reason: context.reason,
        at,
        idempotencyKey: context.idempotency?.key ?? null,
        prevHash,
      };
      const hash = eventHash(unhashed);
      stored.push({ ...unhashed, hash });
      prevHash = hash;
    });
    // Hand-written rather than built by Kysely: this statement runs for every event, and its prepared
    // form is reused (statement cache), so it costs no query compilation.
    for (const event of stored) {
      const row = toEventRow(event);
      await trx.executeQuery(CompiledQuery.raw(INSERT_EVENT, EVENT_COLUMNS.map((c) => row[c])));
    }
    const last = stored[stored.length - 1]!;
    chainHead.current = { seq: last.seq, hash: last.hash, at: last.at };
    return stored;
  }

  private async runProjections(trx: Kysely<Database>, projections: readonly TransactionalProjection[], events: readonly StoredEvent[]): Promise<void> {
    if (events.length === 0) return;
    const lastSeq = events[events.length - 1]!.seq;
    for (const projection of projections) await projection.apply(trx, events);
    if (projections.length === 0) return;
    await trx
      .insertInto('projection_checkpoints')
      .values(projections.map((p) => ({ name: p.name, seq: lastSeq })))
      .onConflict((oc) => oc.column('name').doUpdateSet({ seq: lastSeq }))
      .execute();
  }

  private async streamVersion(db: Kysely<Database>, streamId: string): Promise<number> {
    const { rows } = await db.executeQuery<{ version: number | null }>(CompiledQuery.raw(STREAM_VERSION, [streamId]));
    return Number(rows[0]?.version ?? 0);
  }

  private async readHead(db: Kysely<Database>): Promise<ChainHead> {
    const row = await db.selectFrom('events').select(['seq', 'hash', 'at']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    return row === undefined ? { seq: 0, hash: GENESIS_HASH, at: null } : { seq: row.seq, hash: row.hash, at: row.at };
  }

  private async idempotentResponse(db: Kysely<Database>, scope: string, key: string): Promise<StoredIdempotentResponse | undefined> {
    const row = await db
      .selectFrom('idempotency_records')
      .select(['fingerprint', 'status', 'body'])
      .where('scope', '=', scope)
      .where('key', '=', key)
      .executeTakeFirst();
    return row === undefined ? undefined : { fingerprint: row.fingerprint, response: { status: row.status, body: JSON.parse(row.body) as unknown } };
  }
}

/** The single-value filters and the condition each adds; `types` (a list) is handled on its own. */
const SCALAR_CONDITIONS: readonly [keyof EventFilter, string][] = [
  ['streamId', 'stream_id = @streamId'],
  ['actor', 'actor = @actor'],
  ['from', 'at >= @from'],
  ['to', 'at <= @to'],
  ['afterSeq', 'seq > @afterSeq'],
  ['untilSeq', 'seq <= @untilSeq'],
];

function whereClause(filter: EventFilter): { where: string; params: Record<string, unknown> } {
  const conditions: string[] = [];
  const params: Record<string, unknown> = {};
  for (const [field, condition] of SCALAR_CONDITIONS) {
    if (filter[field] === undefined) continue;
    conditions.push(condition);
    params[field] = filter[field];
  }
  if (filter.types !== undefined && filter.types.length > 0) {
    conditions.push(`type IN (${filter.types.map((_, i) => `@type${i}`).join(', ')})`);
    filter.types.forEach((type, i) => (params[`type${i}`] = type));
  }
  return { where: conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`, params };
}
