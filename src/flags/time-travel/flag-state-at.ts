import type { Kysely } from 'kysely';
import type { Database } from '../../database/index.js';
import { evolveFlagState, type FlagState } from '../flag-state.js';
import { FLAG_EVENT_TYPES, type FlagEvent } from '../flag.events.js';

/** A point in history: right after a flag's own version N, or right after the event with global seq N. */
export type HistoryPoint = { version: number } | { seq: number };

/*
 * Every read here starts from the latest snapshot at or before the point and folds only the events after
 * it, with the same fold as the live projections, so a state read back from any point is identical to
 * what the projections held then. History is immutable below a point, so reads need no transaction: an
 * event committed meanwhile lies beyond the point.
 */

/** Only what evolve reads: a tail can be a thousand rows, and hashes and idempotency keys are dead weight. */
const FOLDED_COLUMNS = ['type', 'data', 'version', 'actor', 'at'] as const;

interface FoldedRow {
  type: string;
  data: string;
  version: number;
  actor: string;
  at: string;
}

/** The same step every projection folds with (evolveFlagState), from a stored row. */
function evolveFromRow(state: FlagState | undefined, row: FoldedRow): FlagState {
  return evolveFlagState(state, { type: row.type, data: JSON.parse(row.data) } as FlagEvent, row);
}

/** The last seq whose event happened at or before `at` (stored form: ISO UTC with ms); 0 before the first. */
export async function lastSeqAt(db: Kysely<Database>, at: string): Promise<number> {
  // `at` never decreases along seq (the store enforces it), so the (at) index answers this in one probe.
  const row = await db
    .selectFrom('events')
    .select('seq')
    .where('at', '<=', at)
    .orderBy('at', 'desc')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.seq ?? 0;
}

/**
 * One flag's state at the point; undefined if it did not exist yet. Snapshots come from `db`, events from
 * `log`: the same database, except while a rebuild writes snapshots into a scratch copy of the table.
 */
export async function readFlagStateAt(
  db: Kysely<Database>,
  key: string,
  point: HistoryPoint,
  log: Kysely<Database> = db,
): Promise<FlagState | undefined> {
  const snapshot = await db
    .selectFrom('flag_snapshots')
    .select(['version', 'state'])
    .where('key', '=', key)
    // Within a stream version and seq grow together; each bound has its own index.
    .$call((q) =>
      'version' in point
        ? q.where('version', '<=', point.version).orderBy('version', 'desc')
        : q.where('seq', '<=', point.seq).orderBy('seq', 'desc'),
    )
    .limit(1)
    .executeTakeFirst();
  const tail = await log
    .selectFrom('events')
    .select(FOLDED_COLUMNS)
    .where('stream_id', '=', key)
    .where('version', '>', snapshot?.version ?? 0)
    .$call((q) => ('version' in point ? q.where('version', '<=', point.version) : q.where('seq', '<=', point.seq)))
    .where('type', 'in', FLAG_EVENT_TYPES)
    .orderBy('version')
    .execute();
  return tail.reduce<FlagState | undefined>(
    evolveFromRow,
    snapshot === undefined ? undefined : (JSON.parse(snapshot.state) as FlagState),
  );
}

/** Every flag created at or before `seq`, as it was then, in key order. A constant number of queries. */
export async function readAllFlagStatesAt(db: Kysely<Database>, seq: number): Promise<FlagState[]> {
  // Per flag: the version of its latest snapshot at or before seq (0: none yet).
  const bases = db.with('base', (qb) =>
    qb
      .selectFrom('events as c')
      .where('c.type', '=', 'FlagCreated')
      .where('c.seq', '<=', seq)
      .select((eb) => [
        'c.stream_id as key',
        eb.fn
          .coalesce(
            eb
              .selectFrom('flag_snapshots as s')
              .select((s) => s.fn.max('s.version').as('v'))
              .whereRef('s.key', '=', 'c.stream_id')
              .where('s.seq', '<=', seq),
            eb.lit(0),
          )
          .as('version'),
      ]),
  );
  const snapshots = await bases
    .selectFrom('base')
    .innerJoin('flag_snapshots as s', (join) =>
      join.onRef('s.key', '=', 'base.key').onRef('s.version', '=', 'base.version'),
    )
    .select(['s.key', 's.state'])
    .execute();
  // CROSS JOIN keeps `base` as the outer loop in SQLite, so each flag's tail is a range on the (stream_id, version) index.
  const tail = await bases
    .selectFrom('base')
    .crossJoin('events as e')
    .select(['e.stream_id', ...FOLDED_COLUMNS.map((column) => `e.${column}` as const)])
    .whereRef('e.stream_id', '=', 'base.key')
    .whereRef('e.version', '>', 'base.version')
    .where('e.seq', '<=', seq)
    .where('e.type', 'in', FLAG_EVENT_TYPES)
    .orderBy('e.seq')
    .execute();

  const states = new Map<string, FlagState | undefined>();
  for (const row of snapshots) states.set(row.key, JSON.parse(row.state) as FlagState);
  for (const row of tail) states.set(row.stream_id, evolveFromRow(states.get(row.stream_id), row));
  return [...states.values()]
    .filter((state): state is FlagState => state !== undefined)
    .sort((a, b) => (a.key < b.key ? -1 : 1));
}
