import type { Kysely } from 'kysely';
import type { Database } from '../../database/index.js';
import type { EventHistory, FoldableEventRow, HistoryPoint } from '../../event-store/index.js';
import { evolveFlagRecord, parseFlagRecord, type FlagRecord } from '../flag-state.js';
import { FLAG_EVENT_TYPES, type FlagEvent } from '../flag.events.js';

export type { HistoryPoint };

/*
 * Every read here starts from the latest snapshot at or before the point and folds only the events after
 * it, with the same fold as the live projections, so a state read back from any point is identical to
 * what the projections held then. Snapshots are this slice's table; the events are asked of the store.
 */

/** The same step every projection folds with (evolveFlagRecord), from a stored row. */
function evolveFromRow(record: FlagRecord | undefined, row: FoldableEventRow, defaultEnvironment: string): FlagRecord {
  return evolveFlagRecord(record, { type: row.type, data: JSON.parse(row.data) } as FlagEvent, row, defaultEnvironment);
}

/** One flag's record at the point; undefined if it did not exist yet. Snapshots from `db`, events from `history`. */
export async function readFlagRecordAt(
  db: Kysely<Database>,
  history: EventHistory,
  key: string,
  point: HistoryPoint,
  defaultEnvironment: string,
): Promise<FlagRecord | undefined> {
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
  const tail = await history.streamTail(key, FLAG_EVENT_TYPES, snapshot?.version ?? 0, point);
  return tail.reduce<FlagRecord | undefined>(
    (record, row) => evolveFromRow(record, row, defaultEnvironment),
    snapshot === undefined ? undefined : parseFlagRecord(snapshot.state, defaultEnvironment),
  );
}

/** Every flag created at or before `seq`, as it was then, in key order. A constant number of queries. */
export async function readAllFlagRecordsAt(
  db: Kysely<Database>,
  history: EventHistory,
  seq: number,
  defaultEnvironment: string,
): Promise<FlagRecord[]> {
  const keys = await history.streamsWithEventAt('FlagCreated', seq);
  if (keys.length === 0) return [];
  // Per flag, its latest snapshot at or before seq (none yet: its tail starts at its first event).
  const latest = db
    .selectFrom('flag_snapshots')
    .select((eb) => ['key', eb.fn.max('version').as('version')])
    .where('seq', '<=', seq)
    .groupBy('key')
    .as('latest');
  const snapshots = await db
    .selectFrom(latest)
    .innerJoin('flag_snapshots as s', (join) =>
      join.onRef('s.key', '=', 'latest.key').onRef('s.version', '=', 'latest.version'),
    )
    .select(['s.key', 's.version', 's.state'])
    .execute();
  const states = new Map<string, FlagRecord | undefined>(keys.map((key) => [key, undefined]));
  const starts = new Map(keys.map((key) => [key, 0]));
  for (const row of snapshots) {
    if (!states.has(row.key)) continue;
    states.set(row.key, parseFlagRecord(row.state, defaultEnvironment));
    starts.set(row.key, row.version);
  }
  const tails = await history.streamTails(
    [...starts].map(([streamId, afterVersion]) => ({ streamId, afterVersion })),
    FLAG_EVENT_TYPES,
    seq,
  );
  for (const row of tails) states.set(row.streamId, evolveFromRow(states.get(row.streamId), row, defaultEnvironment));
  return [...states.values()]
    .filter((state): state is FlagRecord => state !== undefined)
    .sort((a, b) => (a.key < b.key ? -1 : 1));
}
