import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import pg from 'pg';
import { callServer, freePort, spawnServer, stopServer, type ServerChild } from '../support/server-process.js';
import { SseClient } from '../support/sse-client.js';

/**
 * Issue 17, "the database gone": the real server (dist/main.js) on a PostgreSQL cluster of its own, 20
 * clients sending commands with Idempotency-Keys, and the cluster crashed under them (pg_ctl -m
 * immediate), then started again. While it is down every command is answered 503 STORAGE_UNAVAILABLE
 * within FLAGLEDGER_DB_TIMEOUT_MS (none hangs), evaluations answer from memory and say they may be stale,
 * and /ready says why; once it is back commands succeed within seconds. Afterwards the log holds every
 * acknowledged command once, and no command that was refused or given up on unless it was retried and
 * acknowledged.
 */
const TOKEN = 'pg-down-admin-secret';
const CLIENTS = 20;
const TIMEOUT_MS = 1_500;
/** What a client waits before giving up on an answer: well past the bound the server must keep. */
const CLIENT_PATIENCE_MS = 4 * TIMEOUT_MS;
/** Slack over the timeout for the answer itself (the event loop, the HTTP round trip). */
const ANSWER_SLACK_MS = 1_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Sent {
  key: string;
  percentage: number;
  outcome: 'acknowledged' | 'refused' | 'gave up';
  seq?: number;
  ms: number;
  /** When the answer came (or the client gave up). */
  at: number;
}

function cluster(command: 'start' | 'crash' | 'restart' | 'stop', dir?: string): string {
  return execFileSync('bash', ['.ci/postgres', command, ...(dir === undefined ? [] : [dir])], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

describe('PostgreSQL crashed under 20 writers, then back', () => {
  let dir: string | undefined;
  let url: string;
  let server: ServerChild | undefined;
  let port: number;
  // A connection per request: a kept-alive socket the server closes as it is reused would be a false ECONNRESET.
  const agent = new Agent({ keepAlive: false });
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    callServer(port, agent, method, path, TOKEN, body, headers);

  const serverEnv = () => ({
    FLAGLEDGER_DB: url,
    FLAGLEDGER_SIGNING_KEY: signingKey,
    FLAGLEDGER_TOKENS: `ops:admin:${TOKEN}`,
    FLAGLEDGER_DB_TIMEOUT_MS: String(TIMEOUT_MS),
  });

  beforeAll(async () => {
    const exports = cluster('start');
    url = /FLAGLEDGER_TEST_PG_URL='([^']+)'/.exec(exports)![1]!;
    dir = /FLAGLEDGER_TEST_PG_DIR='([^']+)'/.exec(exports)![1]!;
    port = await freePort();
    server = await spawnServer(port, serverEnv());
  }, 120_000);
  afterAll(async () => {
    agent.destroy();
    if (server !== undefined) await stopServer(server, 'SIGKILL');
    if (dir !== undefined) cluster('stop', dir);
  });

  it('answers 503 within the bound while down, evaluates from memory, recovers, and applies nothing it refused', async () => {
    expect(
      (await call('POST', '/v1/flags', { key: 'pg', type: 'operational', owner: 'sre', enabled: true })).status,
    ).toBe(201);
    // A change stream held throughout: it must stay open while the database is gone, and carry the
    // changes once it is back (what an SDK follows; it keeps answering from its last state meanwhile).
    const stream = await SseClient.connect(`http://127.0.0.1:${port}`, { token: TOKEN });
    expect(stream.status).toBe(200);
    const sent: Sent[] = [];
    const failures: string[] = [];
    let running = true;
    let next = 0;
    const client = async () => {
      while (running) {
        const key = randomUUID();
        const percentage = next++ % 101;
        const started = Date.now();
        let timer: NodeJS.Timeout | undefined;
        const patience = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLIENT_PATIENCE_MS)));
        const answer = await Promise.race([
          call('PUT', '/v1/flags/pg/rollout', { percentage }, { 'idempotency-key': key }).catch((error: unknown) => {
            failures.push(String(error));
            return undefined;
          }),
          patience.then(() => 'gave up' as const),
        ]);
        clearTimeout(timer);
        // The server must stay up throughout: a client that cannot reach it stops the test at once.
        if (answer === undefined)
          throw new Error(`the server did not answer (alive: ${server?.alive()}): ${failures.slice(0, 3).join('; ')}`);
        const ms = Date.now() - started;
        const at = Date.now();
        if (answer === 'gave up') sent.push({ key, percentage, outcome: 'gave up', ms, at });
        else if (answer.status === 200)
          sent.push({ key, percentage, outcome: 'acknowledged', seq: answer.body.event?.seq, ms, at });
        else {
          expect({ status: answer.status, code: answer.body?.code }).toEqual({
            status: 503,
            code: 'STORAGE_UNAVAILABLE',
          });
          expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
          sent.push({ key, percentage, outcome: 'refused', ms, at });
          await sleep(50);
        }
      }
    };
    const clients = Array.from({ length: CLIENTS }, client);
    await sleep(1_000);

    const crashStartedAt = Date.now();
    cluster('crash', dir);
    const crashedAt = Date.now();
    await sleep(2 * TIMEOUT_MS + 500);
    const ready = await call('GET', '/ready');
    expect(ready).toMatchObject({ status: 503, body: { reason: 'store unreachable' } });
    expect((await call('GET', '/health')).status).toBe(200);
    const evaluation = await call('POST', '/v1/evaluate', { flagKey: 'pg', context: { userId: 'u' } });
    expect(evaluation.status).toBe(200);
    expect(evaluation.headers['flagledger-stale']).toBe('store-unavailable');
    // The outage is scrapeable: /metrics answers, saying the store is down.
    const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^flagledger_store_up 0$/m);

    expect(stream.ended).toBe(false);
    const lastSeqBeforeRestart = Math.max(...sent.filter((s) => s.seq !== undefined).map((s) => s.seq!));
    cluster('restart', dir);
    const restartedAt = Date.now();
    const firstAckAfterRestart = async () => sent.find((s) => s.outcome === 'acknowledged' && s.at > restartedAt)?.at;
    while ((await firstAckAfterRestart()) === undefined && Date.now() - restartedAt < 15_000) await sleep(100);
    const backAt = await firstAckAfterRestart();
    expect(backAt).toBeDefined();
    expect((await call('GET', '/ready')).status).toBe(200);
    await stream.until(
      () => stream.flagChanges.some((change) => change.seq > lastSeqBeforeRestart),
      'the stream to carry a change committed after the restart',
    );
    expect(stream.ended).toBe(false);
    stream.close();
    await sleep(500);
    running = false;
    await Promise.all(clients);

    const refusedWhileDown = sent.filter((s) => s.outcome === 'refused');
    const acknowledged = sent.filter((s) => s.outcome === 'acknowledged');
    console.log(
      `${acknowledged.length} acknowledged, ${refusedWhileDown.length} refused with 503, ` +
        `${sent.filter((s) => s.outcome === 'gave up').length} given up on; down ${restartedAt - crashedAt} ms, ` +
        `commands acknowledged again ${backAt! - restartedAt} ms after the restart; slowest answer ` +
        `${Math.max(...sent.filter((s) => s.outcome !== 'gave up').map((s) => s.ms))} ms`,
    );
    expect(refusedWhileDown.length).toBeGreaterThan(0);
    expect(sent.filter((s) => s.outcome === 'gave up')).toEqual([]);
    for (const s of sent) expect(s.ms).toBeLessThan(TIMEOUT_MS + ANSWER_SLACK_MS);

    // The first refused command, retried with its key, is applied once.
    const retried = refusedWhileDown[0]!;
    const again = await call(
      'PUT',
      '/v1/flags/pg/rollout',
      { percentage: retried.percentage },
      { 'idempotency-key': retried.key },
    );
    expect(again.status).toBe(200);

    await stopServer(server!);
    server = undefined;
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    const rows = (
      await db.query<{ seq: string; idempotency_key: string | null }>(
        'SELECT seq, idempotency_key FROM events ORDER BY seq',
      )
    ).rows;
    await db.end();
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: rows.length }, (_, i) => i + 1));
    const seqsByKey = new Map<string, number[]>();
    for (const row of rows)
      if (row.idempotency_key !== null)
        seqsByKey.set(row.idempotency_key, [...(seqsByKey.get(row.idempotency_key) ?? []), Number(row.seq)]);
    for (const s of acknowledged) if (s.seq !== undefined) expect(seqsByKey.get(s.key)).toEqual([s.seq]);
    expect(seqsByKey.get(retried.key)).toHaveLength(again.body.event === null ? 0 : 1);
    // A refused command may be in the log only if its COMMIT was in flight when the server was killed
    // (durable, its answer lost with the connection): then it committed before its answer (answered
    // after the crash began, a seq below everything acknowledged after the restart), and a retry with
    // its key replays it instead of applying it again. Nothing refused was applied later.
    const firstSeqAfterRestart = Math.min(...acknowledged.filter((a) => a.at > restartedAt).map((a) => a.seq!));
    const landed = refusedWhileDown.slice(1).filter((s) => seqsByKey.has(s.key));
    for (const s of landed) {
      expect(s.at).toBeGreaterThanOrEqual(crashStartedAt);
      expect(seqsByKey.get(s.key)).toHaveLength(1);
      expect(seqsByKey.get(s.key)![0]!).toBeLessThan(firstSeqAfterRestart);
    }
    expect(landed.length).toBeLessThanOrEqual(CLIENTS);
    console.log(`${landed.length} refused commands had committed before their answer (a COMMIT in flight at the kill)`);

    // A fresh start on the same database: it verifies the whole chain, across the outage.
    port = await freePort();
    server = await spawnServer(port, serverEnv());
    for (const s of landed) {
      const replay = await call(
        'PUT',
        '/v1/flags/pg/rollout',
        { percentage: s.percentage },
        { 'idempotency-key': s.key },
      );
      expect({ status: replay.status, replayed: replay.headers['idempotent-replayed'] }).toEqual({
        status: 200,
        replayed: 'true',
      });
    }
    const verified = await call('GET', '/v1/audit/verify');
    expect({ status: verified.status, ok: verified.body.ok }).toEqual({ status: 200, ok: true });
  }, 180_000);
});

const signingKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
