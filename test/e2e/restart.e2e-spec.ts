import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { eventHash } from '../../src/event-store/event-hash.js';
import type { EventTable } from '../../src/event-store/event.table.js';
import { toStoredEvent } from '../../src/event-store/stored-event.mapper.js';
import type { FlagStateTable } from '../../src/flags/projections/flag-state.table.js';
import type { AuditTrailTable } from '../../src/history/audit-trail.table.js';
import { canonicalJson } from '../../src/shared/canonical-json.js';
import { ManualClock } from '../support/clock.js';
import { releaseFlag, stateOf } from '../support/flags.js';
import { eventCount, openRaw } from '../support/raw-database.js';
import { tempDir } from '../support/temp-dir.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * docs/contract.md §3: the log is durable, hash-chained and append-only; projections record their checkpoint and catch up
 * from it on start. Each test restarts the real app on the same SQLite file.
 */

const GENESIS = '0'.repeat(64);
const MINUTE = 60_000;

type AuditRow = AuditTrailTable;
type FlagStateRow = FlagStateTable;

function query<T>(dbPath: string, sql: string): T[] {
  const db = openRaw(dbPath);
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

const allEvents = (dbPath: string) => query<EventTable>(dbPath, 'SELECT * FROM events ORDER BY seq');
const auditRows = (dbPath: string) => query<AuditRow>(dbPath, 'SELECT * FROM audit_trail ORDER BY seq');
const flagStateRows = (dbPath: string) => query<FlagStateRow>(dbPath, 'SELECT * FROM flag_state ORDER BY key');

function checkpoints(dbPath: string): Record<string, number> {
  const db = openRaw(dbPath);
  try {
    const rows = db.prepare('SELECT name, seq FROM projection_checkpoints ORDER BY name').all() as {
      name: string;
      seq: number;
    }[];
    return Object.fromEntries(rows.map((r) => [r.name, r.seq]));
  } finally {
    db.close();
  }
}

/** Builds a small but varied history on several flags; the clock moves so `at` differs between events. */
async function seedHistory(t: TestApp): Promise<void> {
  const editor = t.auth('editor');
  const admin = t.auth('admin');
  const step = () => t.clock.advance(MINUTE);
  await t
    .http()
    .post('/v1/flags')
    .set('Authorization', editor)
    .send(releaseFlag('checkout_v2', { reason: 'PAY-1' }))
    .expect(201);
  step();
  await t
    .http()
    .post('/v1/flags')
    .set('Authorization', editor)
    .send({ key: 'ops.maintenance', type: 'operational', owner: 'sre', description: 'read-only mode' })
    .expect(201);
  step();
  await t
    .http()
    .post('/v1/flags')
    .set('Authorization', admin)
    .send(releaseFlag('search-ranking', { type: 'experiment', rolloutPercentage: 37, enabled: true }))
    .expect(201);
  step();
  await t
    .http()
    .put('/v1/flags/checkout_v2/rollout')
    .set('Authorization', editor)
    .send({ percentage: 25, reason: 'ramp' })
    .expect(200);
  step();
  await t.http().post('/v1/flags/checkout_v2/enable').set('Authorization', admin).send({ reason: 'go' }).expect(200);
  step();
  await t
    .http()
    .put('/v1/flags/checkout_v2/segments')
    .set('Authorization', editor)
    .send({ segments: ['beta', 'staff'] })
    .expect(200);
  step();
  await t
    .http()
    .patch('/v1/flags/ops.maintenance')
    .set('Authorization', editor)
    .send({ owner: 'platform', ticket: 'OPS-7' })
    .expect(200);
  step();
  await t
    .http()
    .post('/v1/flags/ops.maintenance/kill-switch/engage')
    .set('Authorization', editor)
    .send({ reason: 'incident' })
    .expect(200);
  step();
  await t.http().post('/v1/flags').set('Authorization', editor).send(releaseFlag('legacy_banner')).expect(201);
  step();
  await t
    .http()
    .post('/v1/flags/legacy_banner/archive')
    .set('Authorization', editor)
    .send({ reason: 'done' })
    .expect(200);
  step();
  await t
    .http()
    .put('/v1/flags/search-ranking/rollout')
    .set('Authorization', editor)
    .send({ percentage: 60 })
    .expect(200);
}

const FLAG_KEYS = ['checkout_v2', 'ops.maintenance', 'search-ranking', 'legacy_banner'];
const USERS = ['u-1', 'u-2', 'alice@example.com', '3f2b9c1e-8a4d-4e2f-9b7a-1c2d3e4f5a6b', 'zoë', '用户'];
const CONTEXTS = [{}, { userId: 'u-1' }, ...USERS.flatMap((userId) => [{ userId }, { userId, segment: 'beta' }])];

/** Everything a client can observe through the API about the seeded flags. */
async function observe(t: TestApp): Promise<unknown> {
  const viewer = t.auth('viewer');
  const evaluator = t.auth('evaluator');
  const list = await t.http().get('/v1/flags').set('Authorization', viewer);
  const listAll = await t.http().get('/v1/flags?includeArchived=true').set('Authorization', viewer);
  const flags: Record<string, unknown> = {};
  for (const key of FLAG_KEYS) {
    const res = await t.http().get(`/v1/flags/${key}`).set('Authorization', viewer);
    const history = await t.http().get(`/v1/flags/${key}/history`).set('Authorization', viewer);
    expect(res.status).toBe(200);
    expect(history.status).toBe(200);
    // Usage telemetry moves with every evaluation this observation makes; the flag's state must not.
    flags[key] = { etag: res.headers.etag, body: stateOf(res.body), history: history.body };
  }
  const evaluations = await Promise.all(
    CONTEXTS.flatMap((context) => [
      ...[...FLAG_KEYS, 'never-created'].map((flagKey) =>
        t.http().post('/v1/evaluate').set('Authorization', evaluator).send({ flagKey, context }),
      ),
      t.http().post('/v1/evaluate/all').set('Authorization', evaluator).send({ context }),
    ]),
  ).then((responses) =>
    responses.map((res) => {
      expect(res.status).toBe(200);
      return res.body as unknown;
    }),
  );
  const states = (body: { flags: object[] }) => ({ ...body, flags: body.flags.map(stateOf) });
  return { list: states(list.body), listAll: states(listAll.body), flags, evaluations };
}

describe('restart on the same database file', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('answers reads, history and evaluations identically after a restart, and the next command continues at the right version and seq', async () => {
    const dbPath = join(tmp.dir, 'restart.db');
    const clock = new ManualClock();
    let t = await startTestApp({ dbPath, clock });
    let before: unknown;
    try {
      await seedHistory(t);
      before = await observe(t);
    } finally {
      await t.close();
    }
    const eventsBefore = eventCount(dbPath);
    expect(eventsBefore).toBe(11);

    t = await startTestApp({ dbPath, clock });
    try {
      const after = await observe(t);
      expect(after).toEqual(before);

      clock.advance(MINUTE);
      const next = await t
        .http()
        .put('/v1/flags/checkout_v2/rollout')
        .set('Authorization', t.auth('editor'))
        .send({ percentage: 50 });
      expect(next.status).toBe(200);
      expect(next.headers.etag).toBe('"5"');
      expect(next.body.event).toMatchObject({
        seq: eventsBefore + 1,
        version: 5,
        streamId: 'checkout_v2',
        data: { from: 25, to: 50 },
      });
      expect(next.body.event.prevHash).toBe(allEvents(dbPath)[eventsBefore - 1]!.hash);

      const created = await t
        .http()
        .post('/v1/flags')
        .set('Authorization', t.auth('editor'))
        .send(releaseFlag('after_restart'));
      expect(created.status).toBe(201);
      expect(created.body.event).toMatchObject({ seq: eventsBefore + 2, version: 1 });

      const all = await t
        .http()
        .post('/v1/evaluate/all')
        .set('Authorization', t.auth('evaluator'))
        .send({ context: { userId: 'u-1' } });
      expect(all.body.headSeq).toBe(eventsBefore + 2);
    } finally {
      await t.close();
    }
  });

  it('replays an Idempotency-Key response recorded before the restart and appends nothing', async () => {
    const dbPath = join(tmp.dir, 'idempotency.db');
    let t = await startTestApp({ dbPath });
    const send = (app: TestApp) =>
      app
        .http()
        .put('/v1/flags/checkout_v2/rollout')
        .set('Authorization', app.auth('editor'))
        .set('Idempotency-Key', 'ramp-25')
        .send({ percentage: 25 });
    let first;
    try {
      await t
        .http()
        .post('/v1/flags')
        .set('Authorization', t.auth('editor'))
        .send(releaseFlag('checkout_v2'))
        .expect(201);
      first = await send(t);
      expect(first.status).toBe(200);
    } finally {
      await t.close();
    }
    const count = eventCount(dbPath);
    t = await startTestApp({ dbPath });
    try {
      const repeat = await send(t);
      expect(repeat.status).toBe(200);
      expect(repeat.headers['idempotent-replayed']).toBe('true');
      expect(repeat.body).toEqual(first.body);
      expect(eventCount(dbPath)).toBe(count);
    } finally {
      await t.close();
    }
  });

  it('keeps a gapless hash chain: seq 1..N, genesis prevHash, each prevHash = previous hash, each hash recomputable', async () => {
    const dbPath = join(tmp.dir, 'chain.db');
    const clock = new ManualClock();
    let t = await startTestApp({ dbPath, clock });
    try {
      await seedHistory(t);
    } finally {
      await t.close();
    }
    // Events written by a second process lifetime must extend the same chain.
    t = await startTestApp({ dbPath, clock });
    try {
      clock.advance(MINUTE);
      await t
        .http()
        .post('/v1/flags/checkout_v2/disable')
        .set('Authorization', t.auth('editor'))
        .set('Idempotency-Key', 'off-1')
        .send({ reason: 'rollback' })
        .expect(200);
      await t
        .http()
        .post('/v1/flags')
        .set('Authorization', t.auth('admin'))
        .send(releaseFlag('unicode.description', { description: 'Zoë’s 用户 🚀 test' }))
        .expect(201);
    } finally {
      await t.close();
    }

    const rows = allEvents(dbPath);
    expect(rows.length).toBe(13);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: rows.length }, (_, i) => i + 1));
    expect(rows[0]!.prev_hash).toBe(GENESIS);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if (i > 0) expect(row.prev_hash).toBe(rows[i - 1]!.hash);
      expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
      // Independent recomputation from the contract's formula…
      const envelope = {
        seq: row.seq,
        streamId: row.stream_id,
        version: row.version,
        type: row.type,
        schemaVersion: row.schema_version,
        data: JSON.parse(row.data) as unknown,
        actor: row.actor,
        reason: row.reason,
        at: row.at,
        idempotencyKey: row.idempotency_key,
        prevHash: row.prev_hash,
      };
      const expected = createHash('sha256')
        .update(row.prev_hash + canonicalJson(envelope), 'utf8')
        .digest('hex');
      expect({ seq: row.seq, hash: row.hash }).toEqual({ seq: row.seq, hash: expected });
      // …and the server's own function over its own mapping agree.
      const { hash, ...unhashed } = toStoredEvent(row);
      expect(eventHash(unhashed)).toBe(hash);
      // `at` is UTC with milliseconds.
      expect(row.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
    expect(rows.find((r) => r.idempotency_key === 'off-1')).toMatchObject({
      type: 'FlagDisabled',
      reason: 'rollback',
      actor: 'alice',
    });
    // Per-stream versions are gapless too.
    const versions = new Map<string, number[]>();
    for (const r of rows) versions.set(r.stream_id, [...(versions.get(r.stream_id) ?? []), r.version]);
    for (const list of versions.values()) expect(list).toEqual(Array.from({ length: list.length }, (_, i) => i + 1));
  });

  it('catches projections up from their checkpoints on start instead of replaying from seq 1', async () => {
    const dbPath = join(tmp.dir, 'catch-up.db');
    const clock = new ManualClock();
    let t = await startTestApp({ dbPath, clock });
    let k = 0;
    let flagStateAtK: FlagStateRow[] = [];
    let before: unknown;
    try {
      const editor = t.auth('editor');
      await t.http().post('/v1/flags').set('Authorization', editor).send(releaseFlag('alpha')).expect(201);
      await t
        .http()
        .post('/v1/flags')
        .set('Authorization', editor)
        .send(releaseFlag('beta', { rolloutPercentage: 20 }))
        .expect(201);
      await t.http().post('/v1/flags').set('Authorization', editor).send(releaseFlag('untouched')).expect(201);
      await t.http().post('/v1/flags/alpha/enable').set('Authorization', editor).send({}).expect(200);
      k = eventCount(dbPath);
      expect(k).toBe(4);
      // The projection tables as they stood at seq k (the app is idle, so this is a consistent read).
      flagStateAtK = flagStateRows(dbPath);
      expect(checkpoints(dbPath)).toMatchObject({ audit_trail: k, flag_state: k });
      clock.advance(MINUTE);
      await t
        .http()
        .put('/v1/flags/alpha/rollout')
        .set('Authorization', editor)
        .send({ percentage: 30, reason: 'after k' })
        .expect(200);
      await t.http().post('/v1/flags/beta/enable').set('Authorization', t.auth('admin')).send({}).expect(200);
      await t
        .http()
        .post('/v1/flags')
        .set('Authorization', editor)
        .send(releaseFlag('gamma', { enabled: true, rolloutPercentage: 50 }))
        .expect(201);
      await t.http().post('/v1/flags/gamma/kill-switch/engage').set('Authorization', editor).send({}).expect(200);
      before = await observeCatchUp(t);
    } finally {
      await t.close();
    }
    const head = eventCount(dbPath);
    expect(head).toBe(8);
    const auditBefore = auditRows(dbPath);
    const flagStateBefore = flagStateRows(dbPath);
    expect(auditBefore.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

    // Roll both projections back to seq k while the app is down, and plant sentinels in rows <= k that a
    // full replay from seq 1 would overwrite (or, for the audit trail's primary key, collide with).
    const raw = openRaw(dbPath);
    try {
      raw.transaction(() => {
        raw.prepare('DELETE FROM audit_trail WHERE seq > ?').run(k);
        raw.prepare("UPDATE audit_trail SET reason = 'sentinel: not replayed' WHERE seq = 3").run();
        raw.prepare("UPDATE projection_checkpoints SET seq = ? WHERE name = 'audit_trail'").run(k);
        raw.prepare('DELETE FROM flag_state').run();
        const insert = raw.prepare(
          'INSERT INTO flag_state (key, state, version, archived, last_seq) VALUES (@key, @state, @version, @archived, @last_seq)',
        );
        for (const row of flagStateAtK) insert.run(row);
        const untouched = flagStateAtK.find((r) => r.key === 'untouched')!;
        const planted = { ...JSON.parse(untouched.state), description: 'sentinel: not replayed' };
        raw.prepare('UPDATE flag_state SET state = ? WHERE key = ?').run(canonicalJson(planted), 'untouched');
        raw.prepare("UPDATE projection_checkpoints SET seq = ? WHERE name = 'flag_state'").run(k);
      })();
    } finally {
      raw.close();
    }
    expect(auditRows(dbPath)).toHaveLength(k);
    expect(flagStateRows(dbPath).map((r) => r.key)).toEqual(['alpha', 'beta', 'untouched']);

    // A full replay would hit audit_trail's primary key on seq 1..k and fail the start.
    t = await startTestApp({ dbPath, clock });
    try {
      expect(checkpoints(dbPath)).toMatchObject({ audit_trail: head, flag_state: head });

      const auditAfter = auditRows(dbPath);
      expect(auditAfter).toHaveLength(auditBefore.length);
      // Rows after k came back exactly as they were.
      expect(auditAfter.filter((r) => r.seq > k)).toEqual(auditBefore.filter((r) => r.seq > k));
      // Rows <= k were left alone: the sentinel is still there, the rest is unchanged.
      expect(auditAfter.find((r) => r.seq === 3)!.reason).toBe('sentinel: not replayed');
      expect(auditAfter.filter((r) => r.seq <= k && r.seq !== 3)).toEqual(
        auditBefore.filter((r) => r.seq <= k && r.seq !== 3),
      );

      // Flags changed or created after k were rebuilt from their state at k plus the tail.
      const flagStateAfter = flagStateRows(dbPath);
      expect(flagStateAfter.map((r) => r.key)).toEqual(flagStateBefore.map((r) => r.key));
      for (const key of ['alpha', 'beta', 'gamma']) {
        expect(flagStateAfter.find((r) => r.key === key)).toEqual(flagStateBefore.find((r) => r.key === key));
      }
      // The flag no event after k touched was not re-folded from seq 1.
      const untouched = flagStateAfter.find((r) => r.key === 'untouched')!;
      expect(JSON.parse(untouched.state).description).toBe('sentinel: not replayed');

      // Through the API everything else reads as before the rollback.
      const after = (await observeCatchUp(t)) as { flags: Record<string, unknown> };
      const expected = before as { flags: Record<string, unknown> };
      for (const key of ['alpha', 'beta', 'gamma']) expect(after.flags[key]).toEqual(expected.flags[key]);
      expect((after.flags.untouched as { body: { description: string } }).body.description).toBe(
        'sentinel: not replayed',
      );
    } finally {
      await t.close();
    }
  });

  it('refuses raw UPDATE and DELETE on the events table (append-only triggers) and leaves the row unchanged', async () => {
    const dbPath = join(tmp.dir, 'append-only.db');
    const t = await startTestApp({ dbPath });
    try {
      await t
        .http()
        .post('/v1/flags')
        .set('Authorization', t.auth('editor'))
        .send(releaseFlag('immutable'))
        .expect(201);
      await t.http().post('/v1/flags/immutable/enable').set('Authorization', t.auth('editor')).send({}).expect(200);
    } finally {
      await t.close();
    }
    const original = allEvents(dbPath);
    const raw = openRaw(dbPath);
    try {
      expect(() => raw.prepare("UPDATE events SET actor = 'mallory' WHERE seq = 1").run()).toThrow(/append-only/);
      expect(() => raw.prepare("UPDATE events SET data = '{}' , hash = prev_hash WHERE seq = 2").run()).toThrow(
        /append-only/,
      );
      expect(() => raw.prepare('DELETE FROM events WHERE seq = 2').run()).toThrow(/append-only/);
      expect(() => raw.prepare('DELETE FROM events').run()).toThrow(/append-only/);
    } finally {
      raw.close();
    }
    expect(allEvents(dbPath)).toEqual(original);
    // The app still starts and serves the untouched log.
    const again = await startTestApp({ dbPath });
    try {
      const flag = await again.http().get('/v1/flags/immutable').set('Authorization', again.auth('viewer'));
      expect(flag.body).toMatchObject({ enabled: true, version: 2, createdBy: 'alice' });
    } finally {
      await again.close();
    }
  });
});

/** Reads every flag of the catch-up scenario through the API. */
async function observeCatchUp(t: TestApp): Promise<unknown> {
  const flags: Record<string, unknown> = {};
  for (const key of ['alpha', 'beta', 'gamma', 'untouched']) {
    const res = await t.http().get(`/v1/flags/${key}`).set('Authorization', t.auth('viewer'));
    const history = await t.http().get(`/v1/flags/${key}/history`).set('Authorization', t.auth('viewer'));
    const evaluation = await t
      .http()
      .post('/v1/evaluate')
      .set('Authorization', t.auth('evaluator'))
      .send({ flagKey: key, context: { userId: 'u-7' } });
    flags[key] = {
      etag: res.headers.etag,
      body: stateOf(res.body),
      history: history.body,
      evaluation: evaluation.body,
    };
  }
  return { flags };
}
