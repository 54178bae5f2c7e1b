import { randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run-cli.js';
import { resolvePublicKey, verifyDatabaseFile } from '../../src/cli/verify-database.js';
import { openRaw } from '../support/raw-database.js';
import { callServer, freePort, spawnServer, stopServer, type ServerChild } from '../support/server-process.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * Issue 6, "Crash": the real server as a child process, 50 concurrent clients issuing commands, kill -9
 * mid-stream several times. Every command that got a 2xx must be in the log exactly once, seq gapless,
 * the chain must verify, and the projections must equal a rebuild.
 */
/** Chosen free at the start: a fixed port would let a stray server from an earlier run answer instead. */
let PORT = 0;
const TOKEN = 'chaos-editor-secret';
const CLIENTS = 50;
const CRASHES = 3;
const FLAGS = 10;

interface Acknowledged {
  idempotencyKey: string;
  seq: number | null;
  hash: string | null;
}

const call = (agent: Agent, method: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
  callServer(PORT, agent, method, path, TOKEN, body, headers);

/** The server running now, so a failing test still stops it. */
let current: ServerChild | undefined;

async function startServer(dbPath: string): Promise<ServerChild> {
  current = await spawnServer(PORT, { FLAGLEDGER_DB: dbPath, FLAGLEDGER_TOKENS: `chaos:admin:${TOKEN}` });
  return current;
}

describe('crash: kill -9 under 50 concurrent writers', () => {
  const { dir, cleanup } = tempDir();
  const dbPath = join(dir, 'data', 'flagledger.db');
  beforeAll(async () => {
    PORT = await freePort();
  });
  afterAll(async () => {
    if (current !== undefined) await stopServer(current, 'SIGKILL');
    cleanup();
  });

  it('loses no acknowledged command, duplicates none, keeps seq gapless, the chain valid and the projections equal to a rebuild', async () => {
    let server = await startServer(dbPath);
    const setup = new Agent({ keepAlive: false });
    for (let f = 0; f < FLAGS; f++) {
      const created = await call(setup, 'POST', '/v1/flags', {
        key: `chaos-${f}`,
        type: 'operational',
        owner: 'chaos',
        enabled: true,
      });
      expect(created.status).toBe(201);
    }
    const acknowledged: Acknowledged[] = [];
    let retries = 0;
    let running = true;
    // Each client retries its command with the same Idempotency-Key until it is acknowledged: retried
    // commands must still appear exactly once.
    const clients = Array.from({ length: CLIENTS }, async (_, c) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      for (let i = 0; running; i++) {
        const key = randomUUID();
        const path = `/v1/flags/chaos-${(c + i) % FLAGS}/rollout`;
        const body = { percentage: (c * 7 + i * 13) % 101, reason: `client ${c} command ${i}` };
        for (;;) {
          try {
            const res = await call(agent, 'PUT', path, body, { 'idempotency-key': key });
            if (res.status === 200) {
              acknowledged.push({
                idempotencyKey: key,
                seq: res.body.event?.seq ?? null,
                hash: res.body.event?.hash ?? null,
              });
              break;
            }
            if (res.status >= 500 || res.status === 0) throw new Error(`status ${res.status}`);
            throw new Error(`unexpected ${res.status} ${JSON.stringify(res.body)}`);
          } catch (error) {
            if (String(error).includes('unexpected')) throw error;
            if (!running) return;
            retries++;
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        }
      }
    });

    for (let crash = 0; crash < CRASHES; crash++) {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await stopServer(server, 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 200));
      server = await startServer(dbPath);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    running = false;
    await Promise.all(clients);
    await stopServer(server);

    const db = openRaw(dbPath);
    const rows = db.prepare('SELECT seq, hash, idempotency_key FROM events ORDER BY seq').all() as {
      seq: number;
      hash: string;
      idempotency_key: string | null;
    }[];
    const dumpProjections = () =>
      JSON.stringify([
        db.prepare('SELECT * FROM flag_state ORDER BY key').all(),
        db.prepare('SELECT * FROM audit_trail ORDER BY seq').all(),
      ]);
    const before = dumpProjections();
    db.close();

    console.log(
      `${acknowledged.length} commands acknowledged, ${retries} retries across ${CRASHES} kill -9, ${rows.length} events`,
    );
    expect(acknowledged.length).toBeGreaterThan(100);
    // The kills hit commands in flight: otherwise this test would prove nothing.
    expect(retries).toBeGreaterThan(0);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: rows.length }, (_, i) => i + 1));
    const byKey = new Map<string, { seq: number; hash: string }[]>();
    for (const row of rows)
      if (row.idempotency_key !== null)
        byKey.set(row.idempotency_key, [...(byKey.get(row.idempotency_key) ?? []), { seq: row.seq, hash: row.hash }]);
    for (const ack of acknowledged) {
      const stored = byKey.get(ack.idempotencyKey) ?? [];
      if (ack.seq === null) {
        expect(stored).toEqual([]); // acknowledged as "no change": nothing appended
      } else {
        expect(stored).toEqual([{ seq: ack.seq, hash: ack.hash }]);
      }
    }
    const { key } = resolvePublicKey(dbPath, undefined);
    expect(await verifyDatabaseFile(dbPath, key)).toMatchObject({ ok: true, events: rows.length });

    let out = '';
    expect(await runCli(['rebuild', '--db', dbPath], { out: (t) => (out += t), err: () => undefined, env: {} })).toBe(
      0,
    );
    const after = openRaw(dbPath);
    const rebuilt = JSON.stringify([
      after.prepare('SELECT * FROM flag_state ORDER BY key').all(),
      after.prepare('SELECT * FROM audit_trail ORDER BY seq').all(),
    ]);
    after.close();
    expect(rebuilt).toBe(before);
  }, 120_000);
});
