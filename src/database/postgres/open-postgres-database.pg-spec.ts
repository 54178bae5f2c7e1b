import { sql } from 'kysely';
import pg from 'pg';
import {
  createTestDatabase,
  testPostgresUrl,
  type TestDatabase,
} from '../../../test/support/postgres-test-database.js';
import { redact } from '../../shared/index.js';
import { openPostgresDatabase, type OpenedPostgresDatabase } from './open-postgres-database.js';

// Without a server the whole suite fails here, rather than skipping: see testPostgresUrl.
testPostgresUrl();

const eventRow = {
  seq: 1,
  stream_id: 'a',
  version: 1,
  type: 'Thing',
  schema_version: 1,
  data: '{}',
  actor: 'alice',
  reason: null,
  at: '2026-11-25T12:00:00.000Z',
  idempotency_key: null,
  prev_hash: '0'.repeat(64),
  hash: 'f'.repeat(64),
};

describe('openPostgresDatabase', () => {
  let database: TestDatabase;
  let opened: OpenedPostgresDatabase[];

  beforeEach(async () => {
    database = await createTestDatabase();
    opened = [];
  });
  afterEach(async () => {
    for (const { db } of opened) await db.destroy();
    await database.drop();
  });

  const open = async (url = database.url) => {
    const handle = await openPostgresDatabase(url);
    opened.push(handle);
    return handle;
  };

  it('migrates a fresh database exactly once when several instances open it at the same time', async () => {
    const [{ db }] = await Promise.all(Array.from({ length: 5 }, () => open()));
    const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(db!);
    expect(rows.map((r) => r.name)).toEqual([
      '0001-initial-schema',
      '0002-history-and-compliance',
      '0003-evaluation-telemetry',
      '0004-telemetry-per-environment',
      '0005-audit-trail-environment',
      '0006-console-sessions',
      '0008-token-last-used',
      '0009-actor-token-id',
      '0010-audit-trail-break-glass',
      '0011-audit-trail-change-request',
      '0012-client-sightings',
    ]);
    const tables = await db!.introspection.getTables();
    expect(tables.map((t) => t.name).sort()).toEqual([
      'audit_trail',
      'client_sightings',
      'console_sessions',
      'events',
      'flag_evaluation_counts',
      'flag_last_evaluated',
      'flag_snapshots',
      'flag_state',
      'idempotency_records',
      'projection_checkpoints',
      'signed_checkpoints',
      'token_last_used',
    ]);
  });

  it('refuses UPDATE, DELETE and TRUNCATE of events, even of no row', async () => {
    const { db } = await open();
    await db.insertInto('events').values(eventRow).execute();
    await expect(db.updateTable('events').set({ actor: 'mallory' }).execute()).rejects.toThrow(
      'events are append-only: UPDATE refused',
    );
    await expect(db.updateTable('events').set({ actor: 'mallory' }).where('seq', '=', 99).execute()).rejects.toThrow(
      'events are append-only: UPDATE refused',
    );
    await expect(db.deleteFrom('events').execute()).rejects.toThrow('events are append-only: DELETE refused');
    await expect(sql`TRUNCATE events`.execute(db)).rejects.toThrow('events are append-only: TRUNCATE refused');
    expect(await db.selectFrom('events').select(['seq', 'actor']).execute()).toEqual([{ seq: 1, actor: 'alice' }]);
  });

  it('refuses UPDATE, DELETE and TRUNCATE of signed checkpoints', async () => {
    const { db } = await open();
    await db
      .insertInto('signed_checkpoints')
      .values({ seq: 1, hash: 'h', at: 'a', signature: 's', key_id: 'k', signed_at: 'a' })
      .execute();
    await expect(db.updateTable('signed_checkpoints').set({ signature: 'forged' }).execute()).rejects.toThrow(
      'signed checkpoints are append-only: UPDATE refused',
    );
    await expect(db.deleteFrom('signed_checkpoints').execute()).rejects.toThrow(
      'signed checkpoints are append-only: DELETE refused',
    );
    await expect(sql`TRUNCATE signed_checkpoints`.execute(db)).rejects.toThrow(
      'signed checkpoints are append-only: TRUNCATE refused',
    );
  });

  it('keeps one event per stream version', async () => {
    const { db } = await open();
    await db.insertInto('events').values(eventRow).execute();
    await expect(
      db
        .insertInto('events')
        .values({ ...eventRow, seq: 2 })
        .execute(),
    ).rejects.toThrow(/events_stream_version_unique/);
  });

  it('reads BIGINT and NUMERIC as numbers on its own pool only, and refuses a BIGINT a number cannot hold', async () => {
    const { db } = await open();
    await db.insertInto('events').values(eventRow).execute();
    const { rows } = await sql<
      Record<string, unknown>
    >`SELECT max(seq) AS max_seq, count(*) AS n, sum(seq) AS total, 9007199254740991::bigint AS largest, 1.5::numeric AS fraction FROM events`.execute(
      db,
    );
    expect(rows).toEqual([{ max_seq: 1, n: 1, total: 1, largest: Number.MAX_SAFE_INTEGER, fraction: 1.5 }]);
    const checkpoint = await db
      .insertInto('projection_checkpoints')
      .values({ name: 'p', seq: 7 })
      .returning(['seq', 'updated_at'])
      .executeTakeFirstOrThrow();
    expect(checkpoint.seq).toBe(7);
    expect(checkpoint.updated_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    await expect(sql`SELECT 9007199254740993::bigint AS too_big`.execute(db)).rejects.toThrow(
      'BIGINT 9007199254740993 does not fit a JavaScript number',
    );
    // pg's process-wide parsers are untouched: another pg user still gets BIGINT as a string.
    expect(pg.types.getTypeParser(20, 'text')('42')).toBe('42');
  });

  it('compares and sorts text byte by byte even in a database whose default collation is not', async () => {
    const icu = await createTestDatabase({ icuLocale: 'en-US' });
    try {
      const handle = await openPostgresDatabase(icu.url);
      try {
        const { db } = handle;
        const { rows } = await sql<{ before: boolean }>`SELECT 'a' < 'B' AS before`.execute(db);
        expect(rows).toEqual([{ before: true }]); // the database's own collation: a before B
        await db
          .insertInto('flag_last_evaluated')
          .values([
            { flag_key: 'a', at: 'x' },
            { flag_key: 'B', at: 'x' },
            { flag_key: '_z', at: 'x' },
          ])
          .execute();
        const keys = await db.selectFrom('flag_last_evaluated').select('flag_key').orderBy('flag_key').execute();
        expect(keys.map((k) => k.flag_key)).toEqual(['B', '_z', 'a']);
      } finally {
        await handle.db.destroy();
      }
    } finally {
      await icu.drop();
    }
  });

  it('refuses a URL that is not postgres://, without echoing its password', async () => {
    await expect(openPostgresDatabase('mysql://u:secret@localhost/db')).rejects.toThrow(
      "a PostgreSQL database URL starts with postgres:// or postgresql://, got 'mysql://u:***@localhost/db'",
    );
    expect(redact('postgres://flagledger:p@ss:word@db:5432/x')).toBe('postgres://flagledger:***@db:5432/x');
  });

  it('fails, and leaves no pool behind, when the server cannot be reached', async () => {
    await expect(openPostgresDatabase('postgres://nobody:secret@127.0.0.1:1/none')).rejects.toThrow(
      /database migration failed.*ECONNREFUSED/,
    );
  });
});
