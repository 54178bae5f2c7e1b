import BetterSqlite3 from 'better-sqlite3';
import { eventHash } from '../../src/event-store/event-hash.js';
import { GENESIS_HASH, type ChainHead, type StoredEvent } from '../../src/event-store/event-store.js';
import { toEventRow } from '../../src/event-store/stored-event.mapper.js';
import { FLAG_EVENT_SCHEMA_VERSION, type FlagCreatedData } from '../../src/flags/flag.events.js';
import { isPostgresUrl, psql } from './psql.js';

export interface SeedFlagEventsOptions {
  /** How many flags to create first (one FlagCreated each, operational, disabled, 100 %). */
  flags: number;
  /** Total events to append, the `flags` FlagCreated events included; must be >= flags. */
  events: number;
  /** Recorded as the actor of every event. Default 'seed-bot'. */
  actor?: string;
  /** Recorded as the reason of every event. Default null. */
  reason?: string | null;
  /** `at` of the first seeded event. Default: one step after the current head's `at`, or 2026-01-01 on an empty log. */
  startAt?: string | Date;
  /** Milliseconds between consecutive events' `at`. Default 1000. */
  stepMs?: number;
  /** Flag keys are `${keyPrefix}${n}` (n from 0, zero-padded). Default 'seed-flag-'. */
  keyPrefix?: string;
  /** Seed of the deterministic choice of flag and change per event. Default 1. */
  randomSeed?: number;
}

const DEFAULT_START = '2026-01-01T00:00:00.000Z';

/**
 * Appends `events` valid flag events straight into a Flagledger SQLite file (or, given a postgres:// URL,
 * PostgreSQL database, through psql) in one transaction: the
 * hash chain continues from the current head (eventHash), seq stays gapless, versions count per stream,
 * and every change carries the right from/to. Projection tables and their checkpoints are left alone, so
 * the next start's catch-up applies the seeded tail like any other.
 *
 * The file must have been created (migrated) by the app, and the app must not be running on it: its
 * in-memory state would not see the new events. 100,000 events take a couple of seconds.
 */
export function seedFlagEvents(dbPath: string, options: SeedFlagEventsOptions): ChainHead {
  const { flags, events } = options;
  if (!Number.isInteger(flags) || flags < 1) throw new RangeError(`flags must be a positive integer, got ${flags}`);
  if (!Number.isInteger(events) || events < flags)
    throw new RangeError(`events must be an integer >= flags (${flags}), got ${events}`);
  return isPostgresUrl(dbPath) ? seedPostgres(dbPath, options) : seedSqlite(dbPath, options);
}

/** The events a seeding appends after `head`, as rows, in seq order. */
function* seededRows(
  head: ChainHead,
  keys: readonly string[],
  options: SeedFlagEventsOptions,
  startMs: number,
): Generator<EventRow> {
  const { flags, events, actor = 'seed-bot', reason = null, stepMs = 1000, randomSeed = 1 } = options;
  const state = keys.map(() => ({ version: 0, enabled: false, rollout: 100 }));
  const random = mulberry32(randomSeed);
  let prevHash = head.hash;
  for (let i = 0; i < events; i++) {
    const flag = i < flags ? i : Math.floor(random() * flags);
    const current = state[flag]!;
    const { type, data } = i < flags ? created(keys[flag]!) : change(current, random);
    current.version++;
    const unhashed: Omit<StoredEvent, 'hash'> = {
      seq: head.seq + 1 + i,
      streamId: keys[flag]!,
      version: current.version,
      type,
      schemaVersion: FLAG_EVENT_SCHEMA_VERSION,
      data,
      actor,
      reason,
      at: new Date(startMs + i * stepMs).toISOString(),
      idempotencyKey: null,
      prevHash,
    };
    const hash = eventHash(unhashed);
    yield toEventRow({ ...unhashed, hash });
    prevHash = hash;
  }
}

type EventRow = ReturnType<typeof toEventRow>;

const flagKeys = ({ flags, keyPrefix = 'seed-flag-' }: SeedFlagEventsOptions) =>
  Array.from({ length: flags }, (_, n) => `${keyPrefix}${String(n).padStart(String(flags - 1).length, '0')}`);

function checkedStart(options: SeedFlagEventsOptions, head: ChainHead): number {
  const startMs = startTime(options.startAt, head, options.stepMs ?? 1000);
  if (head.at !== null && startMs < Date.parse(head.at)) {
    throw new RangeError(
      `startAt ${new Date(startMs).toISOString()} is before the head's at ${head.at}: at must grow with seq`,
    );
  }
  return startMs;
}

const COLUMNS = [
  'seq',
  'stream_id',
  'version',
  'type',
  'schema_version',
  'data',
  'actor',
  'reason',
  'at',
  'idempotency_key',
  'prev_hash',
  'hash',
] as const;

/** One raw row into `events`, its named parameters (`@seq`, …) taken from an EventTable row. */
export const INSERT_EVENT_ROW = `INSERT INTO events (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})`;

/** PostgreSQL (a postgres:// URL): the same rows, in one COPY through psql, in one transaction. */
function seedPostgres(url: string, options: SeedFlagEventsOptions): ChainHead {
  const quote = (value: unknown) => (value === null ? '' : `"${String(value).replace(/"/g, '""')}"`);
  const headRow = psql(
    url,
    "SELECT coalesce(json_agg(h), '[]'::json) FROM (SELECT seq, hash, at FROM events ORDER BY seq DESC LIMIT 1) h",
  );
  const head = (JSON.parse(headRow) as ChainHead[])[0] ?? { seq: 0, hash: GENESIS_HASH, at: null };
  const startMs = checkedStart(options, head);
  const keys = flagKeys(options);
  const literal = (key: string) => `'${key.replace(/'/g, "''")}'`;
  const taken = psql(url, `SELECT stream_id FROM events WHERE stream_id IN (${keys.map(literal).join(', ')}) LIMIT 1`);
  if (taken !== '') throw new Error(`stream '${taken}' already exists; pass another keyPrefix`);
  const lines: string[] = [`BEGIN;`, `COPY events (${COLUMNS.join(', ')}) FROM STDIN WITH (FORMAT csv);`];
  let last: EventRow | undefined;
  for (const row of seededRows(head, keys, options, startMs)) {
    lines.push(COLUMNS.map((c) => quote(row[c])).join(','));
    last = row;
  }
  lines.push('\\.', 'COMMIT;', '');
  psql(url, lines.join('\n'));
  return { seq: last!.seq, hash: last!.hash, at: last!.at };
}

function seedSqlite(dbPath: string, options: SeedFlagEventsOptions): ChainHead {
  const db = new BetterSqlite3(dbPath, { fileMustExist: true });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // One big transaction: keep its pages in memory instead of spilling them to the WAL as it grows.
    db.pragma('cache_size = -262144');
    const head = readHead(db);
    const startMs = checkedStart(options, head);
    const keys = flagKeys(options);
    const streamExists = db.prepare('SELECT 1 FROM events WHERE stream_id = ? LIMIT 1').pluck();
    const taken = keys.find((key) => streamExists.get(key) !== undefined);
    if (taken !== undefined) throw new Error(`stream '${taken}' already exists; pass another keyPrefix`);

    const insert = db.prepare(INSERT_EVENT_ROW);
    let last: EventRow | undefined;
    db.transaction(() => {
      for (const row of seededRows(head, keys, options, startMs)) {
        insert.run(row);
        last = row;
      }
    })();
    return { seq: last!.seq, hash: last!.hash, at: last!.at };
  } finally {
    db.close();
  }
}

function created(key: string): { type: string; data: FlagCreatedData } {
  return {
    type: 'FlagCreated',
    data: {
      key,
      type: 'operational',
      enabled: false,
      rolloutPercentage: 100,
      targetSegments: [],
      killSwitch: false,
      owner: 'seed-team',
      expiresAt: null,
      description: null,
      ticket: null,
    },
  };
}

/** Half toggles, half rollout changes; always a real change, as the decider would emit it. */
function change(
  current: { enabled: boolean; rollout: number },
  random: () => number,
): { type: string; data: { from: unknown; to: unknown } } {
  if (random() < 0.5) {
    const from = current.enabled;
    current.enabled = !from;
    return { type: from ? 'FlagDisabled' : 'FlagEnabled', data: { from, to: !from } };
  }
  const from = current.rollout;
  const to = (from + 1 + Math.floor(random() * 100)) % 101;
  current.rollout = to;
  return { type: 'FlagRolloutChanged', data: { from, to } };
}

function readHead(db: BetterSqlite3.Database): ChainHead {
  const row = db.prepare('SELECT seq, hash, at FROM events ORDER BY seq DESC LIMIT 1').get() as ChainHead | undefined;
  return row ?? { seq: 0, hash: GENESIS_HASH, at: null };
}

function startTime(startAt: string | Date | undefined, head: ChainHead, stepMs: number): number {
  if (startAt !== undefined) return new Date(startAt).getTime();
  return head.at === null ? Date.parse(DEFAULT_START) : Date.parse(head.at) + stepMs;
}

/** Small, fast, seedable PRNG, so a seeded history is the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
