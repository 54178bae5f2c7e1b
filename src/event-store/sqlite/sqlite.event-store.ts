import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from '../../database/database.js';
import type { Clock } from '../../shared/clock.js';
import type {
  AppendContext,
  AppendResult,
  ChainHead,
  EventFilter,
  NewEvent,
  ProjectionWork,
  StoredEvent,
} from '../event-store.js';
import { KyselyEventStore, readHead, runProjections, stageAppend, type AppendOutcome, type AppendRequest, type AppendStatements } from '../kysely-event-log.js';
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

interface PendingAppend extends AppendRequest {
  resolve: (result: AppendResult) => void;
  reject: (reason: unknown) => void;
}

/** How many rows a cursor hands over before letting other work (evaluations, commands) run. */
const ROWS_PER_TURN = 500;

/**
 * The embedded default store. Kysely's SQLite driver runs one connection and one transaction at a
 * time, so reading the head and inserting head + 1 inside a transaction keeps seq gapless and the hash
 * chain linear.
 */
export class SqliteEventStore extends KyselyEventStore {
  constructor(
    db: Kysely<Database>,
    private readonly projections: ProjectionRegistry,
    private readonly clock: Clock,
    private readonly openReader: SqliteReaderFactory,
  ) {
    super(db);
  }

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
    let outcomes: AppendOutcome[];
    try {
      outcomes = await this.db.transaction().execute(async (trx) => {
        group = only !== undefined ? [only] : this.pending.splice(0, MAX_GROUP);
        const statements = groupStatements(await readHead(trx));
        const staged: AppendOutcome[] = [];
        for (const append of group) staged.push(await stageAppend(trx, append, this.clock, statements));
        const appended = staged.flatMap((o) => (o.result?.kind === 'appended' ? o.result.events : []));
        await runProjections(trx, this.projections.all(), appended);
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

  async applyProjections(work: readonly ProjectionWork[]): Promise<void> {
    const pending = work.filter((w) => w.events.length > 0);
    if (pending.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const { projection, events } of pending) await runProjections(trx, [projection], events);
    });
  }
}

/**
 * The append statements of one commit group. The head is read once per group and carried along (this
 * connection is the only writer); the per-event insert and the version read are fixed SQL, prepared
 * once through the statement cache instead of compiled by Kysely on every call.
 */
function groupStatements(head: ChainHead): AppendStatements {
  let current = head;
  return {
    head: async () => current,
    streamVersion: async (trx, streamId) => {
      const { rows } = await trx.executeQuery<{ version: number | null }>(CompiledQuery.raw(STREAM_VERSION, [streamId]));
      return Number(rows[0]?.version ?? 0);
    },
    insertEvents: async (trx, events) => {
      for (const event of events) {
        const row = toEventRow(event);
        await trx.executeQuery(CompiledQuery.raw(INSERT_EVENT, EVENT_COLUMNS.map((c) => row[c])));
      }
      const last = events[events.length - 1]!;
      current = { seq: last.seq, hash: last.hash, at: last.at };
    },
  };
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
