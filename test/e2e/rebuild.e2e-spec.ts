import { backend, sqliteOnly } from '../support/backend.js';
import { releaseFlag } from '../support/flags.js';
import { openRaw } from '../support/raw-database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Deterministic pseudo-random numbers, so a failure replays the same sequence. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const KEYS = Array.from({ length: 8 }, (_, i) => `flag-${i}`);

async function randomCommand(t: TestApp, random: () => number): Promise<number> {
  const key = KEYS[Math.floor(random() * KEYS.length)]!;
  const auth = t.auth('editor');
  const pick = Math.floor(random() * 9);
  const base = `/v1/flags/${key}`;
  const reason = `step ${Math.floor(random() * 1e6)}`;
  const res = await [
    () => t.http().post(`${base}/enable`).set('Authorization', auth).send({ reason }),
    () => t.http().post(`${base}/disable`).set('Authorization', auth).send({ reason }),
    () =>
      t
        .http()
        .put(`${base}/rollout`)
        .set('Authorization', auth)
        .send({ percentage: Math.floor(random() * 101), reason }),
    () =>
      t
        .http()
        .put(`${base}/segments`)
        .set('Authorization', auth)
        .send({ segments: ['a', 'b', 'c'].filter(() => random() < 0.5), reason }),
    () => t.http().post(`${base}/kill-switch/engage`).set('Authorization', auth).send({ reason }),
    () => t.http().post(`${base}/kill-switch/release`).set('Authorization', auth).send({ reason }),
    () =>
      t
        .http()
        .patch(base)
        .set('Authorization', auth)
        .send({ ticket: `T-${Math.floor(random() * 100)}`, description: random() < 0.5 ? null : 'd' }),
    () => t.http().post(`${base}/archive`).set('Authorization', auth).send({ reason }),
    () => t.http().post(`${base}/restore`).set('Authorization', auth).send({ reason }),
  ][pick]!();
  return res.status;
}

/** Every projection table as text, row by row in key order: what "byte for byte" compares. */
function projectionDump(dbPath: string): Record<string, string> {
  const db = openRaw(dbPath);
  try {
    return {
      flag_state: JSON.stringify(db.prepare('SELECT * FROM flag_state ORDER BY key').all()),
      audit_trail: JSON.stringify(db.prepare('SELECT * FROM audit_trail ORDER BY seq').all()),
      flag_snapshots: JSON.stringify(db.prepare('SELECT * FROM flag_snapshots ORDER BY key, version').all()),
      checkpoints: JSON.stringify(db.prepare(`SELECT name, seq FROM projection_checkpoints ORDER BY name`).all()),
    };
  } finally {
    db.close();
  }
}

/** Every table and index definition, as the database stores it: what a rebuild that swaps tables in must leave as it was. */
function schemaDump(dbPath: string): unknown[] {
  const db = openRaw(dbPath);
  try {
    return db
      .prepare(
        backend === 'postgres'
          ? `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY tablename, indexname`
          : `SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name`,
      )
      .all();
  } finally {
    db.close();
  }
}

describe('projection rebuild', () => {
  let t: TestApp;
  /** The schema as migrations left it, before this file's first rebuild. */
  let migratedSchema: unknown[];
  beforeAll(async () => {
    t = await startTestApp();
    for (const key of KEYS)
      await t.http().post('/v1/flags').set('Authorization', t.auth('editor')).send(releaseFlag(key)).expect(201);
    const random = prng(20261125);
    const statuses = new Set<number>();
    for (let i = 0; i < 600; i++) statuses.add(await randomCommand(t, random));
    expect([...statuses].every((s) => s === 200 || s === 409)).toBe(true);
    migratedSchema = schemaDump(t.dbPath);
  });
  afterAll(() => t.close());

  it('rebuilds every projection from seq 1 into state identical, byte for byte, to the incremental one', async () => {
    const before = projectionDump(t.dbPath);
    const flagsBefore = (await t.http().get('/v1/flags?includeArchived=true').set('Authorization', t.auth('viewer')))
      .body;
    const report = await t
      .http()
      .post('/v1/admin/projections/rebuild')
      .set('Authorization', t.auth('admin'))
      .expect(200);
    expect(report.body).toMatchObject({
      projections: expect.arrayContaining(['flag_state', 'audit_trail']),
      headSeq: JSON.parse(before.checkpoints)[0].seq,
    });
    expect(projectionDump(t.dbPath)).toEqual(before);
    expect((await t.http().get('/v1/flags?includeArchived=true').set('Authorization', t.auth('viewer'))).body).toEqual(
      flagsBefore,
    );
  });

  it('keeps answering evaluations and taking commands while it runs, and loses none of them', async () => {
    const rebuilding = t.http().post('/v1/admin/projections/rebuild').set('Authorization', t.auth('admin'));
    const during = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 4 === 0
          ? t.http().put('/v1/flags/flag-0/rollout').set('Authorization', t.auth('editor')).send({ percentage: i })
          : t
              .http()
              .post('/v1/evaluate')
              .set('Authorization', t.auth('evaluator'))
              .send({ flagKey: 'flag-1', context: { userId: `u${i}` } }),
      ),
    );
    expect((await rebuilding).status).toBe(200);
    expect(during.map((r) => r.status).filter((s) => s !== 200 && s !== 409)).toEqual([]);
    const flag = (await t.http().get('/v1/flags/flag-0').set('Authorization', t.auth('viewer'))).body;
    const history = (await t.http().get('/v1/flags/flag-0/history').set('Authorization', t.auth('viewer'))).body
      .entries;
    const lastRollout = history.filter((e: { type: string }) => e.type === 'FlagRolloutChanged').pop();
    if (!flag.archived) expect(flag.rolloutPercentage).toBe(lastRollout.to);
    const dump = projectionDump(t.dbPath);
    await t.http().post('/v1/admin/projections/rebuild').set('Authorization', t.auth('admin')).expect(200);
    expect(projectionDump(t.dbPath)).toEqual(dump);
  });

  it('leaves every table, index and constraint defined as before, and no scratch table behind', async () => {
    expect(migratedSchema.length).toBeGreaterThan(0);
    await t.http().post('/v1/admin/projections/rebuild').set('Authorization', t.auth('admin')).expect(200);
    expect(schemaDump(t.dbPath)).toEqual(migratedSchema);
  });

  // SQLite only: there the copies sit in the database file itself, and the test writes them with the app stopped.
  sqliteOnly(
    'drops the copies a rebuild that died left in the file at the next start, the live tables whole',
    async () => {
      const before = projectionDump(t.dbPath);
      await t.close();
      const db = openRaw(t.dbPath);
      db.exec(`CREATE TABLE flagledger_rebuild_audit_trail AS SELECT * FROM audit_trail WHERE seq < 10;
      CREATE TABLE flagledger_rebuild_flag_state AS SELECT * FROM flag_state`);
      db.close();
      t = await startTestApp({ dbPath: t.dbPath });
      expect(projectionDump(t.dbPath)).toEqual(before);
      expect(schemaDump(t.dbPath)).toEqual(migratedSchema);
      await t.http().post('/v1/admin/projections/rebuild').set('Authorization', t.auth('admin')).expect(200);
      expect(projectionDump(t.dbPath)).toEqual(before);
    },
  );

  it('is for admins only', async () => {
    await t.http().post('/v1/admin/projections/rebuild').set('Authorization', t.auth('editor')).expect(403);
  });
});
