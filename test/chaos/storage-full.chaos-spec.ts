import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolvePublicKey, verifyDatabaseFile } from '../../src/cli/verify-database.js';
import { openRaw } from '../support/raw-database.js';
import {
  callServer,
  freePort,
  spawnServer,
  stopServer,
  type HttpAnswer,
  type ServerChild,
} from '../support/server-process.js';

/**
 * Issue 17, "disk full": the real server on a SQLite file in a 3 MB tmpfs, the rest of it filled until
 * appends fail. A refused command is a 503 STORAGE_FULL with Retry-After, fast; /ready says why while
 * evaluations go on from memory, marked stale; freeing the space brings writes and /ready back with no
 * restart; and after a restart the log holds every acknowledged command once, and no refused one.
 * Needs root (mount), as CI runs.
 */
const TOKEN = 'disk-full-admin-secret';
const FILLER_CHUNK = Buffer.alloc(64 * 1024, 0x61);
/** FLAGLEDGER_DB_TIMEOUT_MS's default: no answer may take longer. */
const ANSWER_BOUND_MS = 5_000;

let PORT = 0;
let server: ServerChild | undefined;
const agent = new Agent({ keepAlive: true });
const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  callServer(PORT, agent, method, path, TOKEN, body, headers);

/** Fills the file system holding `path` to the last byte; the file is what frees it again. */
function fill(path: string): void {
  const fd = openSync(path, 'w');
  try {
    for (;;) writeSync(fd, FILLER_CHUNK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
}

async function until(what: string, check: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('disk full under SQLite: fail fast, say so, recover, lose nothing', () => {
  const mount = mkdtempSync(join(tmpdir(), 'flagledger-full-'));
  const dbPath = join(mount, 'flagledger.db');
  const filler = join(mount, 'filler');

  beforeAll(async () => {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mount]);
    PORT = await freePort();
  });
  afterAll(async () => {
    agent.destroy();
    if (server !== undefined) await stopServer(server, 'SIGKILL');
    execFileSync('umount', [mount]);
    rmSync(mount, { recursive: true, force: true });
  });

  it('answers 503 STORAGE_FULL with Retry-After, keeps evaluating, recovers without a restart and loses nothing', async () => {
    server = await spawnServer(PORT, { FLAGLEDGER_DB: dbPath, FLAGLEDGER_TOKENS: `ops:admin:${TOKEN}` });
    const created = await call('POST', '/v1/flags', { key: 'disk', type: 'operational', owner: 'sre', enabled: true });
    expect(created.status).toBe(201);
    expect((await call('GET', '/ready')).status).toBe(200);

    const acknowledged: { key: string; seq: number }[] = [];
    for (const percentage of [10, 20, 30]) {
      const key = randomUUID();
      const answer = await call('PUT', '/v1/flags/disk/rollout', { percentage }, { 'idempotency-key': key });
      expect(answer.status).toBe(200);
      acknowledged.push({ key, seq: answer.body.event.seq as number });
    }
    fill(filler);
    let refused: { key: string; path: string; body: object; answer: HttpAnswer } | undefined;
    const refusedKeys: string[] = [];
    for (let i = 40; i < 2_000 && refusedKeys.length < 3; i++) {
      const key = randomUUID();
      // Every step changes the flag (the percentage moves each time), so every 2xx appended an event.
      const path = '/v1/flags/disk/rollout';
      const body = { percentage: i % 100, reason: `step ${i}, a reason that takes some room ${'x'.repeat(400)}` };
      const started = Date.now();
      const answer = await call('PUT', path, body, { 'idempotency-key': key });
      const ms = Date.now() - started;
      expect(ms).toBeLessThan(ANSWER_BOUND_MS);
      if (answer.status === 200) acknowledged.push({ key, seq: answer.body.event.seq as number });
      else {
        expect({ status: answer.status, code: answer.body?.code }).toEqual({ status: 503, code: 'STORAGE_FULL' });
        refused ??= { key, path, body, answer };
        refusedKeys.push(key);
      }
    }
    expect(refused).toBeDefined();
    expect(Number(refused!.answer.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused!.answer.headers['content-type']).toMatch(/^application\/problem\+json/);

    // Down: /ready says why, /health stays live, evaluations answer from memory and say they may be stale.
    const ready = await call('GET', '/ready');
    expect(ready).toMatchObject({ status: 503, body: { status: 'not ready', reason: 'storage full' } });
    expect((await call('GET', '/v1/ready')).status).toBe(503);
    expect((await call('GET', '/health')).status).toBe(200);
    const evaluation = await call('POST', '/v1/evaluate', { flagKey: 'disk', context: { userId: 'u' } });
    expect(evaluation.status).toBe(200);
    expect(evaluation.headers['flagledger-stale']).toBe('store-unavailable');
    const metrics = await fetch(`http://127.0.0.1:${PORT}/metrics`).then((res) => res.text());
    expect(metrics).toMatch(/^flagledger_store_up 0$/m);
    expect(metrics).toMatch(/^flagledger_store_append_failures_total\{reason="full"\} [1-9]/m);

    // Space back: /ready turns 200 by itself (the probe), and the first refused command, retried with
    // its Idempotency-Key, is applied exactly once.
    unlinkSync(filler);
    await until('/ready to answer 200', async () => (await call('GET', '/ready')).status === 200, 5_000);
    const retried = await call('PUT', refused!.path, refused!.body, { 'idempotency-key': refused!.key });
    expect(retried.status).toBe(200);
    const fresh = await call(
      'POST',
      '/v1/flags/disk/disable',
      { reason: 'after' },
      { 'idempotency-key': randomUUID() },
    );
    expect(fresh.status).toBe(200);
    const evaluationAfter = await call('POST', '/v1/evaluate', { flagKey: 'disk', context: { userId: 'u' } });
    expect(evaluationAfter.headers['flagledger-stale']).toBeUndefined();

    // A restart: every acknowledged command once, no refused one that was not retried, seq gapless, chain valid.
    await stopServer(server);
    server = await spawnServer(PORT, { FLAGLEDGER_DB: dbPath, FLAGLEDGER_TOKENS: `ops:admin:${TOKEN}` });
    await stopServer(server);
    const db = openRaw(dbPath);
    const rows = db.prepare('SELECT seq, idempotency_key FROM events ORDER BY seq').all() as {
      seq: number;
      idempotency_key: string | null;
    }[];
    db.close();
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: rows.length }, (_, i) => i + 1));
    const seqsByKey = new Map<string, number[]>();
    for (const row of rows)
      if (row.idempotency_key !== null)
        seqsByKey.set(row.idempotency_key, [...(seqsByKey.get(row.idempotency_key) ?? []), row.seq]);
    for (const { key, seq } of acknowledged) expect(seqsByKey.get(key)).toEqual([seq]);
    expect(seqsByKey.get(refused!.key)).toEqual([retried.body.event.seq]);
    for (const key of refusedKeys.slice(1)) expect(seqsByKey.get(key)).toBeUndefined();
    const { key } = resolvePublicKey(dbPath, undefined);
    expect(await verifyDatabaseFile(dbPath, key)).toMatchObject({ ok: true, events: rows.length });
  }, 120_000);
});
