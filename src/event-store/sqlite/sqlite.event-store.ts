import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, type Kysely } from 'kysely';
import { transact, type Database } from '../../database/index.js';
import { isStorageFailure, type Clock } from '../../shared/index.js';
import type { EventFilter } from '../event-filter.js';
import type {
  AppendResult,
  AppendsExcluded,
  ChainHead,
  ProjectedEvent,
  ProjectionWork,
  StoredEvent,
} from '../event-store.js';
import type { EventTable } from '../event.table.js';
import { GroupCommit } from '../group-commit.js';
import {
  appendedEvents,
  appendsExcluded,
  KyselyEventStore,
  readHead,
  runProjections,
  stageAppend,
  type AppendOutcome,
  type AppendRequest,
  type AppendStatements,
} from '../kysely-event-log.js';
import type { ProjectionRegistry } from '../projection-registry.js';
import { PROJECTED_EVENT_COLUMNS, toEventRow, toStoredEvent } from '../stored-event.mapper.js';

/** Opens a separate read-only connection: a long cursor must not hold the writer's connection. */
export type SqliteReaderFactory = () => BetterSqlite3.Database;

const EVENT_COLUMNS = [
  ...PROJECTED_EVENT_COLUMNS,
  'idempotency_key',
  'prev_hash',
  'hash',
] as const satisfies readonly (keyof EventTable)[];
const INSERT_EVENT = `INSERT INTO events (${EVENT_COLUMNS.join(', ')}) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')})`;
const STREAM_VERSION = 'SELECT max(version) AS version FROM events WHERE stream_id = ?';

const PROJECTED_PAGE = `SELECT ${PROJECTED_EVENT_COLUMNS.join(', ')} FROM events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?`;
/** A row of PROJECTED_PAGE as better-sqlite3's raw mode hands it over: an array in PROJECTED_EVENT_COLUMNS order. */
type ProjectedRawRow = [number, string, number, string, number, string, string, string | null, string | null, string];

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

  private readonly groups = new GroupCommit(
    (take) =>
      transact(this.db, async (trx) => {
        const group = take();
        const statements = groupStatements(await readHead(trx));
        const staged: AppendOutcome[] = [];
        for (const append of group) staged.push(await stageAppend(trx, append, this.clock, statements));
        await runProjections(trx, this.projections.all(), appendedEvents(staged));
        this.assertInTime(group);
        return staged;
      }),
    isStorageFailure,
  );

  /**
   * Appends arriving together commit in one transaction (GroupCommit), taken once it holds the
   * connection; a multi-stream append is one member of its group, checked and failing on its own.
   */
  protected submit(request: AppendRequest): Promise<AppendResult> {
    return this.groups.submit(request);
  }

  async *iterate(filter: EventFilter): AsyncIterable<StoredEvent> {
    const { where, params } = whereClause(filter);
    const reader = this.openReader();
    try {
      const rows = reader
        .prepare(`SELECT * FROM events${where} ORDER BY seq`)
        .iterate(params) as IterableIterator<EventTable>;
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

  /**
   * Keyset pages up to the head as the read starts, on a reader connection of its own, each page one
   * `all()` of raw rows: a cursor's per-row step and a row object per event cost more than the rest of
   * the read. No read transaction spans the pages (seq <= head is a snapshot already: the log is
   * append-only), so checkpoints can move the WAL's pages into the file as a long replay writes.
   */
  async *readForProjections(afterSeq: number, batchSize: number): AsyncIterable<ProjectedEvent[]> {
    const reader = this.openReader();
    try {
      const head = reader.prepare('SELECT max(seq) FROM events').pluck().get() as number | null;
      const page = reader.prepare(PROJECTED_PAGE).raw();
      for (let after = afterSeq; after < (head ?? 0);) {
        const rows = page.all(after, head, batchSize) as ProjectedRawRow[];
        if (rows.length === 0) return;
        yield rows.map(fromProjectedRawRow);
        after = rows[rows.length - 1]![0];
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

  /** Every append goes through this connection, one transaction at a time: holding a transaction keeps them out. */
  excludingAppends<T>(work: (excluded: AppendsExcluded) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => work(appendsExcluded(trx)));
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
      const { rows } = await trx.executeQuery<{ version: number | null }>(
        CompiledQuery.raw(STREAM_VERSION, [streamId]),
      );
      return Number(rows[0]?.version ?? 0);
    },
    insertEvents: async (trx, events) => {
      for (const event of events) {
        const row = toEventRow(event);
        await trx.executeQuery(
          CompiledQuery.raw(
            INSERT_EVENT,
            EVENT_COLUMNS.map((c) => row[c]),
          ),
        );
      }
      const last = events[events.length - 1]!;
      current = { seq: last.seq, hash: last.hash, at: last.at };
    },
  };
}

function fromProjectedRawRow(row: ProjectedRawRow): ProjectedEvent {
  return {
    seq: row[0],
    streamId: row[1],
    version: row[2],
    type: row[3],
    schemaVersion: row[4],
    data: JSON.parse(row[5]) as unknown,
    actor: row[6],
    actorTokenId: row[7] ?? undefined,
    reason: row[8],
    at: row[9],
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
