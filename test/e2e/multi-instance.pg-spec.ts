import http from 'node:http';
import pg from 'pg';
import { ConnectedClients } from '../../src/connected-clients/index.js';
import { releaseFlag } from '../support/flags.js';
import { testPostgresUrl } from '../support/postgres-test-database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TOKENS } from '../support/tokens.js';

// Without a server the whole suite fails here, rather than skipping: see testPostgresUrl.
testPostgresUrl();

/** Issue 7: what instance A commits, instance B evaluates and pushes to its SSE clients within 100 ms. */
const FRESHNESS_MS = 100;

interface FlagChange {
  seq: number;
  key: string;
  type: string;
  flag: { version: number; enabled: boolean };
}

/** A bare SSE reader on B's /v1/stream: records each `flag` event with the time it arrived. */
function openStream(
  base: string,
  path = '/v1/stream',
): Promise<{ changes: { at: number; change: FlagChange }[]; close: () => void; snapshot: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const changes: { at: number; change: FlagChange }[] = [];
    let gotSnapshot: () => void = () => undefined;
    const snapshot = new Promise<void>((r) => (gotSnapshot = r));
    const request = http.get(
      `${base}${path}`,
      { headers: { accept: 'text/event-stream', authorization: `Bearer ${TOKENS.evaluator.secret}` }, agent: false },
      (res) => {
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event === 'snapshot') gotSnapshot();
            if (event === 'flag' && data !== undefined)
              changes.push({ at: performance.now(), change: JSON.parse(data) as FlagChange });
          }
        });
        resolve({ changes, snapshot, close: () => request.destroy() });
      },
    );
    request.on('error', reject);
  });
}

/** How soon another instance must act on a revocation: the follower polls every 250 ms if LISTEN is lost. */
const PROPAGATION_BOUND_MS = 1000;

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 2000,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('several instances on one PostgreSQL database', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await startTestApp({ backend: 'postgres' });
    b = await startTestApp({ backend: 'postgres', dbPath: a.dbPath });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  /** `n` clients' instances, alternating A, B, A, …: concurrent requests spread over both. */
  const overBoth = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? a : b));

  it('serves on B, within 100 ms, every change committed through A: GET, evaluate and B’s change stream', async () => {
    const stream = await openStream(b.url);
    await stream.snapshot;
    const key = 'cross_instance';
    const lags: { read: number; stream: number }[] = [];
    let version = 0;
    for (let i = 0; i < 10; i++) {
      const res =
        i === 0
          ? await a.http().post('/v1/flags').set('Authorization', a.auth('editor')).send(releaseFlag(key)).expect(201)
          : await a
              .http()
              .post(`/v1/flags/${key}/${i % 2 === 1 ? 'enable' : 'disable'}`)
              .set('Authorization', a.auth('editor'))
              .expect(200);
      const committed = performance.now();
      version = res.body.flag.version;
      const seq: number = res.body.event.seq;
      await until(`B to read version ${version}`, async () => {
        const read = await b.http().get(`/v1/flags/${key}`).set('Authorization', b.auth('viewer'));
        return read.status === 200 && read.body.version === version ? true : undefined;
      });
      const read = performance.now() - committed;
      const evaluated = await b
        .http()
        .post('/v1/evaluate')
        .set('Authorization', b.auth('evaluator'))
        .send({ flagKey: key, context: { userId: 'u-1' } })
        .expect(200);
      expect(evaluated.body).toMatchObject({ flagVersion: version, enabled: res.body.flag.enabled });
      const pushed = await until(`B's stream to push seq ${seq}`, () =>
        stream.changes.find((c) => c.change.seq === seq),
      );
      expect(pushed.change).toMatchObject({ key, flag: { version } });
      lags.push({ read, stream: Math.max(0, pushed.at - committed) });
    }
    stream.close();
    // B's stream carried every change, once, in seq order.
    const seqs = stream.changes.map((c) => c.change.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(10);
    console.log(
      `A → B lag over 10 changes (ms): read max ${Math.max(...lags.map((l) => l.read)).toFixed(1)}, stream max ${Math.max(...lags.map((l) => l.stream)).toFixed(1)}`,
    );
    for (const lag of lags) {
      expect(lag.read).toBeLessThan(FRESHNESS_MS);
      expect(lag.stream).toBeLessThan(FRESHNESS_MS);
    }
  });

  it('replays on B an Idempotency-Key first used on A, and appends nothing', async () => {
    await a
      .http()
      .post('/v1/flags')
      .set('Authorization', a.auth('editor'))
      .send(releaseFlag('idem_across'))
      .expect(201);
    const first = await a
      .http()
      .put('/v1/flags/idem_across/rollout')
      .set('Authorization', a.auth('editor'))
      .set('Idempotency-Key', 'k-across-1')
      .send({ percentage: 30 })
      .expect(200);
    const retry = await b
      .http()
      .put('/v1/flags/idem_across/rollout')
      .set('Authorization', b.auth('editor'))
      .set('Idempotency-Key', 'k-across-1')
      .send({ percentage: 30 })
      .expect(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    await b
      .http()
      .put('/v1/flags/idem_across/rollout')
      .set('Authorization', b.auth('editor'))
      .set('Idempotency-Key', 'k-across-1')
      .send({ percentage: 31 })
      .expect(422);
  });

  it('holds If-Match across instances: B refuses a version A already moved past, at once', async () => {
    await a
      .http()
      .post('/v1/flags')
      .set('Authorization', a.auth('editor'))
      .send(releaseFlag('match_across'))
      .expect(201);
    await a
      .http()
      .post('/v1/flags/match_across/enable')
      .set('Authorization', a.auth('editor'))
      .set('If-Match', '"1"')
      .expect(200);
    const stale = await b
      .http()
      .post('/v1/flags/match_across/disable')
      .set('Authorization', b.auth('editor'))
      .set('If-Match', '"1"');
    expect(stale.status).toBe(412);
    await b
      .http()
      .post('/v1/flags/match_across/disable')
      .set('Authorization', b.auth('editor'))
      .set('If-Match', '"2"')
      .expect(200);
  });

  it('lets exactly one of 20 commands racing the same If-Match over both instances win; the other 19 get 412', async () => {
    await a.http().post('/v1/flags').set('Authorization', a.auth('editor')).send(releaseFlag('match_race')).expect(201);
    // Distinct percentages, none the current 100: every request would change something.
    const responses = await Promise.all(
      overBoth(20).map((app, i) =>
        app
          .http()
          .put('/v1/flags/match_race/rollout')
          .set('Authorization', app.auth('editor'))
          .set('If-Match', '"1"')
          .send({ percentage: (i + 1) * 4 }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort((x, y) => x - y);
    expect(statuses).toEqual([200, ...Array<number>(19).fill(412)]);
    const winner = responses.find((r) => r.status === 200)!;
    expect(winner.body.event).toMatchObject({
      version: 2,
      data: { from: 100, to: winner.body.flag.rolloutPercentage },
    });
    for (const app of [a, b]) {
      const flag = await until(`version 2 on ${app === a ? 'A' : 'B'}`, async () => {
        const res = await app.http().get('/v1/flags/match_race').set('Authorization', app.auth('viewer'));
        return res.body.version === 2 ? res : undefined;
      });
      expect(flag.body.rolloutPercentage).toBe(winner.body.flag.rolloutPercentage);
    }
    const history = await a
      .http()
      .get('/v1/flags/match_race/history')
      .set('Authorization', a.auth('viewer'))
      .expect(200);
    expect((history.body.entries as { version: number }[]).map((e) => e.version)).toEqual([1, 2]);
  });

  it('appends once when one Idempotency-Key arrives 20 times at once over both instances; every answer is that one event', async () => {
    await a.http().post('/v1/flags').set('Authorization', a.auth('editor')).send(releaseFlag('idem_race')).expect(201);
    const responses = await Promise.all(
      overBoth(20).map((app) =>
        app
          .http()
          .put('/v1/flags/idem_race/rollout')
          .set('Authorization', app.auth('editor'))
          .set('Idempotency-Key', 'k-race-1')
          .send({ percentage: 42 }),
      ),
    );
    for (const res of responses) expect(res.status).toBe(200);
    const originals = responses.filter((r) => r.headers['idempotent-replayed'] === undefined);
    expect(originals).toHaveLength(1);
    for (const res of responses) expect(res.body).toEqual(originals[0]!.body);
    const history = await b
      .http()
      .get('/v1/flags/idem_race/history')
      .set('Authorization', b.auth('viewer'))
      .expect(200);
    expect((history.body.entries as { version: number }[]).map((e) => e.version)).toEqual([1, 2]);
  });

  it('shows on B an environment A created, and creates a key once when 20 admins race for it over both', async () => {
    await a
      .as('admin')
      .post('/v1/environments')
      .send({ key: 'staging-mi', name: 'Staging', type: 'staging' })
      .expect(201);
    const onB = await until('staging-mi on B', async () => {
      const res = await b.as('viewer').get('/v1/environments/staging-mi');
      return res.status === 200 ? res.body : undefined;
    });
    expect(onB).toMatchObject({ key: 'staging-mi', createdBy: 'root', version: 1 });
    // B changes what A created: its directory already has it, so it decides on version 1.
    await b.as('admin').patch('/v1/environments/staging-mi').send({ requiredApprovals: 1 }).expect(200);

    const answers = await Promise.all(
      overBoth(20).map((app, i) =>
        app
          .as('admin')
          .post('/v1/environments')
          .send({ key: 'qa-mi', name: `QA ${i}`, type: 'test' }),
      ),
    );
    expect(answers.map((r) => r.status).sort((x, y) => x - y)).toEqual([201, ...Array<number>(19).fill(409)]);
  });

  it("evaluates and streams on B each environment's state A changed, and nothing of another environment's", async () => {
    await a.as('admin').post('/v1/environments').send({ key: 'eu-mi', name: 'EU', type: 'staging' }).expect(201);
    await a
      .as('editor')
      .post('/v1/flags')
      .send(releaseFlag('per_env_mi', { enabled: true }))
      .expect(201);
    await until(
      'eu-mi on B',
      async () => (await b.as('viewer').get('/v1/environments/eu-mi')).status === 200 || undefined,
    );
    const euStream = await openStream(b.url, '/v1/environments/eu-mi/stream');
    const productionStream = await openStream(b.url);
    try {
      await Promise.all([euStream.snapshot, productionStream.snapshot]);
      const engaged = await a
        .as('editor')
        .post('/v1/environments/eu-mi/flags/per_env_mi/kill-switch/engage')
        .send({})
        .expect(200);
      const evaluate = (path: string) =>
        b
          .as('evaluator')
          .post(path)
          .send({ flagKey: 'per_env_mi', context: { userId: 'u' } });
      const onB = await until('B to apply the kill switch in eu-mi', async () => {
        const res = await evaluate('/v1/environments/eu-mi/evaluate');
        return res.body.reason === 'KILL_SWITCH' ? res.body : undefined;
      });
      expect(onB).toMatchObject({ enabled: false, flagVersion: 2 });
      expect((await evaluate('/v1/evaluate')).body).toMatchObject({ enabled: true, flagVersion: 2 });
      await until('the eu-mi stream on B', () => euStream.changes.find((c) => c.change.seq === engaged.body.event.seq));
      // A later production change reaches B's production stream; the eu-mi kill switch never did.
      const rollout = await a.as('editor').put('/v1/flags/per_env_mi/rollout').send({ percentage: 40 }).expect(200);
      await until('the production stream on B', () =>
        productionStream.changes.find((c) => c.change.seq === rollout.body.event.seq),
      );
      expect(productionStream.changes.map((c) => c.change.seq)).not.toContain(engaged.body.event.seq);
      expect(euStream.changes.map((c) => c.change.seq)).not.toContain(rollout.body.event.seq);
    } finally {
      euStream.close();
      productionStream.close();
    }
  });

  it('lets a token issued on A in on B, and shuts it out on B once A revoked it (docs/contract.md §9)', async () => {
    const issued = await a.as('admin').post('/v1/tokens').send({ name: 'mi-service', role: 'viewer' }).expect(201);
    const onB = (secret: string) => b.http().get('/v1/flags').set('Authorization', `Bearer ${secret}`);
    await until(
      'B to accept the issued token',
      async () => (await onB(issued.body.secret)).status === 200 || undefined,
    );
    await a.as('admin').post(`/v1/tokens/${issued.body.token.id}/revoke`).send({}).expect(200);
    const revokedAt = performance.now();
    // At once on the instance that revoked it; on B within the propagation window (LISTEN, else the
    // follower's 250 ms poll): `until` gives up after PROPAGATION_BOUND_MS.
    await a.http().get('/v1/flags').set('Authorization', `Bearer ${issued.body.secret}`).expect(401);
    await until(
      'B to refuse the revoked token',
      async () => (await onB(issued.body.secret)).status === 401 || undefined,
      PROPAGATION_BOUND_MS,
    );
    expect(performance.now() - revokedAt).toBeLessThan(PROPAGATION_BOUND_MS);
  });

  it('applies each event to the database projections exactly once, whichever instance appended it', async () => {
    const writes = overBoth(20).map((app, i) =>
      app
        .http()
        .put('/v1/flags/cross_instance/rollout')
        .set('Authorization', app.auth('editor'))
        .send({ percentage: i + 1 }),
    );
    expect((await Promise.all(writes)).map((r) => r.status)).toEqual(Array(20).fill(200));
    const client = new pg.Client({ connectionString: a.dbPath });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT (SELECT count(*) FROM events WHERE type LIKE 'Flag%')::int AS flag_events, (SELECT count(*) FROM audit_trail)::int AS audit_rows,
                (SELECT max(seq) FROM events)::int AS head, (SELECT min(seq) FROM projection_checkpoints WHERE name IN ('audit_trail', 'flag_state'))::int AS checkpoint`,
      );
      expect(rows[0].audit_rows).toBe(rows[0].flag_events);
      expect(rows[0].checkpoint).toBe(rows[0].head);
    } finally {
      await client.end();
    }
    const onA = (await a.http().get('/v1/flags/cross_instance').set('Authorization', a.auth('viewer'))).body;
    const onB = await until('B to catch up with the last write', async () => {
      const body = (await b.http().get('/v1/flags/cross_instance').set('Authorization', b.auth('viewer'))).body;
      return body.version === onA.version ? body : undefined;
    });
    expect(onB.rolloutPercentage).toBe(onA.rolloutPercentage);
  });

  it('lists on A the clients B served (docs/contract.md §11), each with what it holds, the later sighting winning', async () => {
    const poll = await b
      .http()
      .get('/api/client/features')
      .set('Authorization', TOKENS.evaluator.secret)
      .set('UNLEASH-APPNAME', 'orders')
      .set('UNLEASH-INSTANCEID', 'served-by-b')
      .expect(200);
    const bHead = (await b.http().get('/v1/snapshot').set('Authorization', b.auth('evaluator'))).body.headSeq;
    // What B's telemetry timer does every few seconds.
    await b.app.get(ConnectedClients).flush();
    const listedOnA = async () =>
      (
        (await a.http().get('/v1/clients').set('Authorization', a.auth('viewer')).expect(200)).body.clients as {
          instanceId: string;
          appliedSeq: number | null;
          etag: string | null;
          lastSeen: string;
        }[]
      ).find((c) => c.instanceId === 'served-by-b');
    expect(await listedOnA()).toMatchObject({ appliedSeq: bHead, etag: poll.headers.etag });
    // Later, the same SDK registers through A: seen later, and it still holds what B served it.
    a.clock.advance(1000);
    await a
      .http()
      .post('/api/client/register')
      .set('Authorization', TOKENS.evaluator.secret)
      .send({ appName: 'orders', instanceId: 'served-by-b' })
      .expect(202);
    expect(await listedOnA()).toEqual(
      expect.objectContaining({ lastSeen: a.clock.now().toISOString(), appliedSeq: bHead, etag: poll.headers.etag }),
    );
  });

  it('keeps B current by polling while its LISTEN connection is down, and listens again after reconnecting', async () => {
    const admin = new pg.Client({ connectionString: a.dbPath });
    await admin.connect();
    try {
      const killed = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'flagledger-follower' AND datname = current_database()`,
      );
      expect(killed.rowCount).toBe(2);
      const res = await a
        .http()
        .post('/v1/flags/cross_instance/disable')
        .set('Authorization', a.auth('editor'))
        .expect(200);
      await until('B to see the change through polling', async () => {
        const body = (await b.http().get('/v1/flags/cross_instance').set('Authorization', b.auth('viewer'))).body;
        return body.version === res.body.flag.version ? true : undefined;
      });
      await until(
        'both followers to LISTEN again',
        async () => {
          const { rows } = await admin.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'flagledger-follower' AND datname = current_database()`,
          );
          return rows[0].n === 2 ? true : undefined;
        },
        5000,
      );
    } finally {
      await admin.end();
    }
  });
});
