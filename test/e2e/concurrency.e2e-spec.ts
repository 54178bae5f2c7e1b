import { join } from 'node:path';
import { createFlag, releaseFlag } from '../support/flags.js';
import { expectProblem } from '../support/problem.js';
import { eventCount, openRaw } from '../support/raw-database.js';
import { tempDir } from '../support/temp-dir.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * docs/contract.md §3/§4: optimistic concurrency (If-Match), idempotent retries (Idempotency-Key) and commands racing on
 * one stream. Every request here goes through the real HTTP server; requests in a Promise.all are in flight
 * together, so their handlers interleave inside the one process exactly as concurrent clients would.
 */

interface EventRow {
  seq: number;
  stream_id: string;
  version: number;
  type: string;
  data: string;
  actor: string;
  idempotency_key: string | null;
}

function eventsOf(dbPath: string, streamId?: string): EventRow[] {
  const db = openRaw(dbPath);
  try {
    const sql = `SELECT seq, stream_id, version, type, data, actor, idempotency_key FROM events${streamId === undefined ? '' : ' WHERE stream_id = ?'} ORDER BY seq`;
    return (streamId === undefined ? db.prepare(sql).all() : db.prepare(sql).all(streamId)) as EventRow[];
  } finally {
    db.close();
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

describe('concurrency and idempotency of flag commands', () => {
  const tmp = tempDir();
  let t: TestApp;
  let flagCounter = 0;

  beforeAll(async () => {
    t = await startTestApp({ dbPath: join(tmp.dir, 'concurrency.db') });
  });
  afterAll(async () => {
    await t.close();
    tmp.cleanup();
  });

  /** Creates a fresh flag for one test and returns its key (its version is 1). */
  async function newFlag(prefix: string, overrides: Record<string, unknown> = {}): Promise<string> {
    const key = `${prefix}-${++flagCounter}`;
    await createFlag(t, key, overrides);
    return key;
  }

  const rollout = (key: string, percentage: number, role: 'editor' | 'admin' = 'editor') =>
    t.http().put(`/v1/flags/${key}/rollout`).set('Authorization', t.auth(role)).send({ percentage });

  describe('If-Match', () => {
    it.each([2, 20])(
      'lets exactly one of %i parallel commands carrying the same If-Match win; the others get 412 problem+json',
      async (n) => {
        const key = await newFlag('race-if-match');
        const before = eventCount(t.dbPath);

        // Every request would change something (distinct percentages, none equal to the current 100).
        const responses = await Promise.all(range(1, n).map((i) => rollout(key, i * 4).set('If-Match', '"1"')));

        const winners = responses.filter((r) => r.status >= 200 && r.status < 300);
        const losers = responses.filter((r) => r.status < 200 || r.status >= 300);
        expect(winners).toHaveLength(1);
        expect(losers).toHaveLength(n - 1);
        for (const loser of losers) expectProblem(loser, 412);

        const winner = winners[0]!;
        expect(winner.status).toBe(200);
        expect(winner.headers.etag).toBe('"2"');
        expect(winner.body.flag.version).toBe(2);
        expect(winner.body.event).toMatchObject({ type: 'FlagRolloutChanged', version: 2, data: { from: 100 } });

        expect(eventCount(t.dbPath)).toBe(before + 1);
        const stream = eventsOf(t.dbPath, key);
        expect(stream.map((e) => e.version)).toEqual([1, 2]);
        expect(JSON.parse(stream[1]!.data)).toEqual(winner.body.event.data);

        const current = await t.http().get(`/v1/flags/${key}`).set('Authorization', t.auth('viewer'));
        expect(current.headers.etag).toBe('"2"');
        expect(current.body.rolloutPercentage).toBe(winner.body.flag.rolloutPercentage);
      },
    );

    it('refuses a command whose If-Match is stale with 412 and writes nothing', async () => {
      const key = await newFlag('stale-if-match');
      await rollout(key, 40).expect(200); // version 2
      const before = eventCount(t.dbPath);
      const flagBefore = await t.http().get(`/v1/flags/${key}`).set('Authorization', t.auth('viewer'));

      const stale = await t
        .http()
        .post(`/v1/flags/${key}/enable`)
        .set('Authorization', t.auth('editor'))
        .set('If-Match', '"1"')
        .send({ reason: 'late' });
      expectProblem(stale, 412);
      const ahead = await rollout(key, 50).set('If-Match', '"7"');
      expectProblem(ahead, 412);

      expect(eventCount(t.dbPath)).toBe(before);
      const flagAfter = await t.http().get(`/v1/flags/${key}`).set('Authorization', t.auth('viewer'));
      expect(flagAfter.headers.etag).toBe('"2"');
      expect(flagAfter.body).toEqual(flagBefore.body);
    });

    it('accepts a command whose If-Match equals the current version and answers with the new version as ETag', async () => {
      const key = await newFlag('fresh-if-match');
      const current = await t.http().get(`/v1/flags/${key}`).set('Authorization', t.auth('viewer'));
      expect(current.headers.etag).toBe('"1"');

      const enabled = await t
        .http()
        .post(`/v1/flags/${key}/enable`)
        .set('Authorization', t.auth('editor'))
        .set('If-Match', current.headers.etag!)
        .send({});
      expect(enabled.status).toBe(200);
      expect(enabled.headers.etag).toBe('"2"');
      expect(enabled.body.flag).toMatchObject({ enabled: true, version: 2 });

      const next = await rollout(key, 25).set('If-Match', enabled.headers.etag!);
      expect(next.status).toBe(200);
      expect(next.headers.etag).toBe('"3"');
      expect(eventsOf(t.dbPath, key).map((e) => e.version)).toEqual([1, 2, 3]);
    });

    it('answers 404, not 412, for If-Match on a flag that does not exist', async () => {
      const before = eventCount(t.dbPath);
      const res = await rollout('no-such-flag-if-match', 10).set('If-Match', '"1"');
      expectProblem(res, 404);
      expect(eventCount(t.dbPath)).toBe(before);
    });
  });

  describe('Idempotency-Key', () => {
    it('replays the first response (same status, body and event seq) with Idempotent-Replayed: true and appends nothing', async () => {
      const key = await newFlag('idem-replay');
      const send = () =>
        t
          .http()
          .put(`/v1/flags/${key}/rollout`)
          .set('Authorization', t.auth('editor'))
          .set('Idempotency-Key', `replay-${key}`)
          .send({ percentage: 30, reason: 'ramp' });

      const first = await send();
      expect(first.status).toBe(200);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      expect(first.body.event).toMatchObject({
        type: 'FlagRolloutChanged',
        data: { from: 100, to: 30 },
        idempotencyKey: `replay-${key}`,
      });
      const countAfterFirst = eventCount(t.dbPath);

      // Something else changes the flag in between: the replay still returns the recorded answer.
      await rollout(key, 60).expect(200);
      const countBeforeRepeat = eventCount(t.dbPath);
      expect(countBeforeRepeat).toBe(countAfterFirst + 1);

      const repeat = await send();
      expect(repeat.status).toBe(first.status);
      expect(repeat.headers['idempotent-replayed']).toBe('true');
      expect(repeat.body).toEqual(first.body);
      expect(repeat.body.event.seq).toBe(first.body.event.seq);
      expect(eventCount(t.dbPath)).toBe(countBeforeRepeat);

      const stream = eventsOf(t.dbPath, key);
      expect(stream.filter((e) => e.idempotency_key === `replay-${key}`)).toHaveLength(1);
    });

    it('replays a create with its original 201 and does not report the key as taken (no 409)', async () => {
      const key = `idem-create-${++flagCounter}`;
      const send = () =>
        t
          .http()
          .post('/v1/flags')
          .set('Authorization', t.auth('editor'))
          .set('Idempotency-Key', `create-${key}`)
          .send(releaseFlag(key));
      const first = await send();
      expect(first.status).toBe(201);
      const before = eventCount(t.dbPath);

      const repeat = await send();
      expect(repeat.status).toBe(201);
      expect(repeat.headers['idempotent-replayed']).toBe('true');
      expect(repeat.body).toEqual(first.body);
      expect(eventCount(t.dbPath)).toBe(before);
    });

    it('refuses the same key with a different body with 422 problem+json and appends nothing', async () => {
      const key = await newFlag('idem-mismatch');
      const idemKey = `mismatch-${key}`;
      await t
        .http()
        .put(`/v1/flags/${key}/rollout`)
        .set('Authorization', t.auth('editor'))
        .set('Idempotency-Key', idemKey)
        .send({ percentage: 30 })
        .expect(200);
      const before = eventCount(t.dbPath);

      const otherBody = await t
        .http()
        .put(`/v1/flags/${key}/rollout`)
        .set('Authorization', t.auth('editor'))
        .set('Idempotency-Key', idemKey)
        .send({ percentage: 31 });
      expectProblem(otherBody, 422);
      const otherRoute = await t
        .http()
        .post(`/v1/flags/${key}/enable`)
        .set('Authorization', t.auth('editor'))
        .set('Idempotency-Key', idemKey)
        .send({});
      expectProblem(otherRoute, 422);

      expect(eventCount(t.dbPath)).toBe(before);
      const flag = await t.http().get(`/v1/flags/${key}`).set('Authorization', t.auth('viewer'));
      expect(flag.body).toMatchObject({ rolloutPercentage: 30, enabled: false, version: 2 });
    });

    it('scopes keys per token: another actor reusing the key runs its own command', async () => {
      const key = await newFlag('idem-scope');
      const idemKey = `shared-${key}`;
      const byAlice = await t
        .http()
        .put(`/v1/flags/${key}/rollout`)
        .set('Authorization', t.auth('editor'))
        .set('Idempotency-Key', idemKey)
        .send({ percentage: 30 });
      expect(byAlice.status).toBe(200);
      expect(byAlice.body.event).toMatchObject({ actor: 'alice', data: { from: 100, to: 30 } });

      // Different actor, same key, different body: neither a 422 nor a replay of alice's answer.
      const byRoot = await t
        .http()
        .put(`/v1/flags/${key}/rollout`)
        .set('Authorization', t.auth('admin'))
        .set('Idempotency-Key', idemKey)
        .send({ percentage: 60 });
      expect(byRoot.status).toBe(200);
      expect(byRoot.headers['idempotent-replayed']).toBeUndefined();
      expect(byRoot.body.event).toMatchObject({
        actor: 'root',
        data: { from: 30, to: 60 },
        seq: byAlice.body.event.seq + 1,
      });

      // Different actor, same key, same body as alice: still its own command (not alice's recorded answer).
      const byRootSame = await t
        .http()
        .put(`/v1/flags/${key}/rollout`)
        .set('Authorization', t.auth('admin'))
        .set('Idempotency-Key', `${idemKey}-2`)
        .send({ percentage: 30 });
      expect(byRootSame.status).toBe(200);
      const aliceSameAgain = await t
        .http()
        .put(`/v1/flags/${key}/rollout`)
        .set('Authorization', t.auth('editor'))
        .set('Idempotency-Key', `${idemKey}-2`)
        .send({ percentage: 30 });
      expect(aliceSameAgain.status).toBe(200);
      expect(aliceSameAgain.headers['idempotent-replayed']).toBeUndefined();
      // The flag is already at 30, so alice's own command changes nothing; root's recorded event is not hers.
      expect(aliceSameAgain.body.event).toBeNull();

      // alice's own repeat is still her replay.
      const aliceRepeat = await t
        .http()
        .put(`/v1/flags/${key}/rollout`)
        .set('Authorization', t.auth('editor'))
        .set('Idempotency-Key', idemKey)
        .send({ percentage: 30 });
      expect(aliceRepeat.headers['idempotent-replayed']).toBe('true');
      expect(aliceRepeat.body).toEqual(byAlice.body);

      const stream = eventsOf(t.dbPath, key);
      expect(
        stream.map((e) => [e.actor, e.type === 'FlagCreated' ? JSON.parse(e.data).key : JSON.parse(e.data).to]),
      ).toEqual([
        ['alice', key],
        ['alice', 30],
        ['root', 60],
        ['root', 30],
      ]);
    });

    it('appends exactly once when the same key is sent 20 times at once; every answer carries that one event', async () => {
      const key = await newFlag('idem-burst');
      const before = eventCount(t.dbPath);
      const responses = await Promise.all(
        range(1, 20).map(() =>
          t
            .http()
            .put(`/v1/flags/${key}/rollout`)
            .set('Authorization', t.auth('editor'))
            .set('Idempotency-Key', `burst-${key}`)
            .send({ percentage: 42 }),
        ),
      );
      for (const res of responses) expect(res.status).toBe(200);
      expect(eventCount(t.dbPath)).toBe(before + 1);

      const original = responses.filter((r) => r.headers['idempotent-replayed'] === undefined);
      expect(original).toHaveLength(1);
      expect(responses.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(19);
      for (const res of responses) expect(res.body).toEqual(original[0]!.body);
      expect(original[0]!.body.event).toMatchObject({ version: 2, seq: before + 1, data: { from: 100, to: 42 } });
      expect(eventsOf(t.dbPath, key).map((e) => e.version)).toEqual([1, 2]);
    });
  });

  describe('parallel commands without If-Match', () => {
    it('applies all 20 parallel rollout changes on one flag (retrying lost races) with gapless versions and seq', async () => {
      // A fresh database, so seq must run 1..N with no gap.
      const dir = tempDir();
      const app = await startTestApp({ dbPath: join(dir.dir, 'race.db') });
      try {
        await app
          .http()
          .post('/v1/flags')
          .set('Authorization', app.auth('editor'))
          .send(releaseFlag('race'))
          .expect(201);
        const percentages = range(1, 20);
        const responses = await Promise.all(
          percentages.map((p) =>
            app.http().put('/v1/flags/race/rollout').set('Authorization', app.auth('editor')).send({ percentage: p }),
          ),
        );
        const statuses = responses.map((r) => r.status);
        expect(statuses).toEqual(percentages.map(() => 200));

        const events = eventsOf(app.dbPath);
        expect(events.map((e) => e.seq)).toEqual(range(1, 21));
        expect(events.map((e) => e.version)).toEqual(range(1, 21));
        // Every change is a from → to link of one chain starting at the default 100.
        const changes = events.slice(1).map((e) => JSON.parse(e.data) as { from: number; to: number });
        expect(changes[0]!.from).toBe(100);
        for (let i = 1; i < changes.length; i++) expect(changes[i]!.from).toBe(changes[i - 1]!.to);
        expect(changes.map((c) => c.to).sort((a, b) => a - b)).toEqual(percentages);
        // Each response reports the event it appended.
        expect(responses.map((r) => r.body.event.seq).sort((a: number, b: number) => a - b)).toEqual(range(2, 21));

        const flag = await app.http().get('/v1/flags/race').set('Authorization', app.auth('viewer'));
        expect(flag.headers.etag).toBe('"21"');
        expect(flag.body.rolloutPercentage).toBe(changes[changes.length - 1]!.to);
      } finally {
        await app.close();
        dir.cleanup();
      }
    });
  });
});
