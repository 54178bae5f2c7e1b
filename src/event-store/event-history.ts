import { sql, type Kysely } from 'kysely';
import { dialectSql, type Database } from '../database/index.js';

/** Only what a fold reads: a tail can be a thousand rows, and hashes and idempotency keys are dead weight. */
export interface FoldableEventRow {
  streamId: string;
  type: string;
  /** The event's data as stored (JSON text). */
  data: string;
  version: number;
  actor: string;
  at: string;
}

/** A point in history: right after a stream's own version N, or right after the event with global seq N. */
export type HistoryPoint = { version: number } | { seq: number };

/** Where one stream's tail starts: after its version `afterVersion` (0: from its first event). */
export interface StreamTailStart {
  streamId: string;
  afterVersion: number;
}

interface TailStartRow {
  key: string;
  version: number;
}

/**
 * Reads of past events for folds (time travel, stale detection), asked of the store (`EventStore.history`)
 * so the log's shape has one owner. History is immutable below a point, so none of these need a
 * transaction: an event committed meanwhile lies beyond the point.
 */
export interface EventHistory {
  /** The last seq whose event happened at or before `at` (stored form: ISO UTC with ms); 0 before the first. */
  lastSeqAt(at: string): Promise<number>;
  /** One stream's events of `types` after `afterVersion` up to the point (all if none), in version order. */
  streamTail(
    streamId: string,
    types: readonly string[],
    afterVersion?: number,
    point?: HistoryPoint,
  ): Promise<FoldableEventRow[]>;
  /** The streams that have an event of `type` at or before `seq` (e.g. every flag created by then). */
  streamsWithEventAt(type: string, seq: number): Promise<string[]>;
  /** The tails of many streams at once, up to `seq`, in seq order: one query however many streams. */
  streamTails(starts: readonly StreamTailStart[], types: readonly string[], seq: number): Promise<FoldableEventRow[]>;
}

const FOLDED_COLUMNS = ['stream_id as streamId', 'type', 'data', 'version', 'actor', 'at'] as const;

/** EventHistory over the events table, for both dialects (the stores share it). */
export class KyselyEventHistory implements EventHistory {
  constructor(private readonly db: Kysely<Database>) {}

  async lastSeqAt(at: string): Promise<number> {
    // `at` never decreases along seq (the store enforces it), so the (at) index answers this in one probe.
    const row = await this.db
      .selectFrom('events')
      .select('seq')
      .where('at', '<=', at)
      .orderBy('at', 'desc')
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.seq ?? 0;
  }

  streamTail(
    streamId: string,
    types: readonly string[],
    afterVersion = 0,
    point?: HistoryPoint,
  ): Promise<FoldableEventRow[]> {
    return this.db
      .selectFrom('events')
      .select(FOLDED_COLUMNS)
      .where('stream_id', '=', streamId)
      .where('version', '>', afterVersion)
      .$call((q) =>
        point === undefined
          ? q
          : 'version' in point
            ? q.where('version', '<=', point.version)
            : q.where('seq', '<=', point.seq),
      )
      .where('type', 'in', types)
      .orderBy('version')
      .execute();
  }

  async streamsWithEventAt(type: string, seq: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('events')
      .select('stream_id')
      .distinct()
      .where('type', '=', type)
      .where('seq', '<=', seq)
      .execute();
    return rows.map((r) => r.stream_id);
  }

  async streamTails(
    starts: readonly StreamTailStart[],
    types: readonly string[],
    seq: number,
  ): Promise<FoldableEventRow[]> {
    if (starts.length === 0) return [];
    // The starts travel as one JSON parameter, unpacked by the database, whatever their number (the
    // parentheses are the CTE's: Kysely does not add them around raw SQL).
    const json = JSON.stringify(starts.map((s) => [s.streamId, s.afterVersion]));
    const base = dialectSql(this.db, {
      sqlite: sql<TailStartRow>`(select j.value ->> 0 as key, j.value ->> 1 as version from json_each(${json}) as j)`,
      postgres: sql<TailStartRow>`(select j.value ->> 0 as key, (j.value ->> 1)::bigint as version from jsonb_array_elements(${json}::jsonb) as j)`,
    });
    // CROSS JOIN keeps `base` as the outer loop in SQLite, so each stream's tail is a range on the (stream_id, version) index.
    return this.db
      .with('base', () => base)
      .selectFrom('base')
      .crossJoin('events as e')
      .select(['e.stream_id as streamId', 'e.type', 'e.data', 'e.version', 'e.actor', 'e.at'])
      .whereRef('e.stream_id', '=', 'base.key')
      .whereRef('e.version', '>', 'base.version')
      .where('e.seq', '<=', seq)
      .where('e.type', 'in', types)
      .orderBy('e.seq')
      .execute();
  }
}
