import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import pg from 'pg';
import { toStoredEvent } from '../../src/event-store/stored-event.mapper.js';
import { evolveFlagState, type FlagState } from '../../src/flags/flag-state.js';
import { isFlagEventType, type FlagEvent } from '../../src/flags/flag.events.js';
import { verifyChain } from '../../src/integrity/chain-verifier.js';
import { stateOf } from '../support/flags.js';
import { createTestDatabase, testPostgresUrl, type TestDatabase } from '../support/postgres-test-database.js';
import { callServer, freePort, spawnServer, stopServer, type ServerChild } from '../support/server-process.js';

// Without a server the whole suite fails here, rather than skipping: see testPostgresUrl.
testPostgresUrl();

/**
 * Issue 7: two real server processes (dist/main.js, built by `npm run test:pg:run` before Jest) on one
 * fresh PostgreSQL database, 50 clients spread over both issuing audited commands with Idempotency-Keys,
 * one instance killed with SIGKILL mid-load and restarted. Every acknowledged command must be in the log
 * exactly once with the seq and hash it was acknowledged with, seq gapless, the chain valid, the survivor
 * serving throughout, both instances' flags equal to the state folded from the log and to a projection
 * rebuild, and a change through one instance evaluated on the other within 100 ms.
 */
const TOKEN = 'pg-chaos-admin-secret';
const CLIENTS = 50;
const FLAGS = 10;
const FRESHNESS_MS = 100;
/**
 * Each phase lasts its minimum and until enough commands were acknowledged in it (at most PHASE_MAX_MS),
 * so a slow or busy machine stretches the phases instead of making the counts below meaningless.
 */
const PHASE_MIN_MS = 1500;
const PHASE_MAX_MS = 10_000;
const BEFORE_KILL = 100;
const WHILE_DOWN = 50;
const AFTER_RESTART_ON_B = 10;

interface Acknowledged {
  idempotencyKey: string;
  seq: number | null;
  hash: string | null;
  /** Index of the instance that answered 2xx. */
  instance: number;
  client: number;
  at: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

describe('two server processes on one PostgreSQL database: 50 writers, kill -9 of one', () => {
  let database: TestDatabase;
  let env: Record<string, string>;
  const ports: number[] = [];
  const servers: (ServerChild | undefined)[] = [undefined, undefined];

  beforeAll(async () => {
    database = await createTestDatabase();
    env = {
      FLAGLEDGER_DB: database.url,
      FLAGLEDGER_SIGNING_KEY: generateKeyPairSync('ed25519')
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString(),
      FLAGLEDGER_TOKENS: `chaos:admin:${TOKEN}`,
    };
    ports.push(await freePort(), await freePort());
  });
  afterAll(async () => {
    for (const server of servers) if (server !== undefined) await stopServer(server, 'SIGKILL');
    await database?.drop();
  });

  const call = (
    instance: number,
    agent: Agent | false,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) => callServer(ports[instance]!, agent, method, path, TOKEN, body, headers);

  it('loses and duplicates no acknowledged command, keeps seq gapless and the chain valid, the survivor serving, and both instances equal to the log and a rebuild', async () => {
    // Both start together on an empty database: exactly one of them migrates it.
    [servers[0], servers[1]] = await Promise.all([spawnServer(ports[0]!, env), spawnServer(ports[1]!, env)]);

    for (let f = 0; f < FLAGS; f++) {
      const created = await call(f % 2, false, 'POST', '/v1/flags', {
        key: `pgchaos-${f}`,
        type: 'operational',
        owner: 'chaos',
        enabled: true,
      });
      expect(created.status).toBe(201);
    }

    const acknowledged: Acknowledged[] = [];
    let retries = 0;
    let running = true;
    const unexpected: string[] = [];
    // Client c sends each new command to instance c % 2; a connection error or 5xx retries the same
    // command (same Idempotency-Key) against the other instance, then alternates.
    const clients = Array.from({ length: CLIENTS }, async (_, c) => {
      const agents = [new Agent({ keepAlive: true, maxSockets: 1 }), new Agent({ keepAlive: true, maxSockets: 1 })];
      try {
        for (let i = 0; running; i++) {
          const key = randomUUID();
          const path = `/v1/flags/pgchaos-${(c + i) % FLAGS}/rollout`;
          const body = { percentage: (c * 7 + i * 13) % 101, reason: `client ${c} command ${i}` };
          for (let attempt = 0; ; attempt++) {
            const instance = (c + attempt) % 2;
            try {
              const res = await call(instance, agents[instance]!, 'PUT', path, body, { 'idempotency-key': key });
              if (res.status === 200) {
                acknowledged.push({
                  idempotencyKey: key,
                  seq: res.body.event?.seq ?? null,
                  hash: res.body.event?.hash ?? null,
                  instance,
                  client: c,
                  at: performance.now(),
                });
                break;
              }
              if (res.status < 500) {
                unexpected.push(`${res.status} ${JSON.stringify(res.body)}`);
                return;
              }
            } catch {
              // refused or reset: the instance is down or died with the request in flight
            }
            if (!running) return;
            retries++;
            await sleep(10);
          }
        }
      } finally {
        for (const agent of agents) agent.destroy();
      }
    });

    const phase = async (done: () => boolean) => {
      const started = performance.now();
      await sleep(PHASE_MIN_MS);
      while (!done() && performance.now() - started < PHASE_MAX_MS && unexpected.length === 0) await sleep(20);
    };
    await phase(() => acknowledged.length >= BEFORE_KILL);
    const beforeKill = acknowledged.length;
    await stopServer(servers[1]!, 'SIGKILL');
    // From B's death on (its last answers may still arrive between the signal and the exit).
    const killedAt = performance.now();
    await phase(() => acknowledged.filter((a) => a.at > killedAt).length >= WHILE_DOWN);
    const whileDown = acknowledged.filter((a) => a.at > killedAt);
    servers[1] = await spawnServer(ports[1]!, env);
    const restartedAt = performance.now();
    await phase(() => acknowledged.filter((a) => a.at > restartedAt && a.instance === 1).length >= AFTER_RESTART_ON_B);
    running = false;
    await Promise.all(clients);

    const byRestarted = acknowledged.filter((a) => a.at > restartedAt && a.instance === 1).length;
    console.log(
      `${acknowledged.length} commands acknowledged (${beforeKill} before the kill, ${whileDown.length} by A while B was down, ${byRestarted} by B after its restart), ${retries} retries`,
    );
    expect(unexpected).toEqual([]);
    expect(beforeKill).toBeGreaterThanOrEqual(BEFORE_KILL);
    // Both instances served before the kill, and the kill hit commands in flight or sent to B.
    expect(acknowledged.filter((a) => a.at < killedAt && a.instance === 1).length).toBeGreaterThan(0);
    expect(retries).toBeGreaterThan(0);
    // The survivor kept serving while B was down, B's own clients (odd c) failing over to it.
    expect(whileDown.every((a) => a.instance === 0)).toBe(true);
    expect(whileDown.some((a) => a.client % 2 === 1)).toBe(true);
    expect(whileDown.length).toBeGreaterThanOrEqual(WHILE_DOWN);
    // The restarted B takes writes again.
    expect(byRestarted).toBeGreaterThanOrEqual(AFTER_RESTART_ON_B);

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const rows = (await client.query('SELECT * FROM events ORDER BY seq')).rows.map((row) =>
        toStoredEvent({ ...row, seq: Number(row.seq) }),
      );
      const head = rows.length;
      expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: head }, (_, i) => i + 1));

      const byKey = new Map<string, { seq: number; hash: string }[]>();
      for (const row of rows)
        if (row.idempotencyKey !== null)
          byKey.set(row.idempotencyKey, [...(byKey.get(row.idempotencyKey) ?? []), { seq: row.seq, hash: row.hash }]);
      for (const ack of acknowledged) {
        const stored = byKey.get(ack.idempotencyKey) ?? [];
        if (ack.seq === null)
          expect(stored).toEqual([]); // acknowledged as "no change": nothing appended
        else expect(stored).toEqual([{ seq: ack.seq, hash: ack.hash }]);
      }

      // The chain: the pure verifier over the rows, and each instance's own verify (with its checkpoints).
      expect(await verifyChain(rows, { checkpoints: [], complete: true })).toMatchObject({ ok: true, events: head });
      for (const instance of [0, 1]) {
        const verified = await call(instance, false, 'GET', '/v1/audit/verify');
        expect(verified.status).toBe(200);
        expect(verified.body).toMatchObject({ ok: true, events: head, headSeq: head });
      }

      // Both instances' in-memory projections, once they have applied the head, equal the log folded.
      const folded = new Map<string, FlagState>();
      for (const row of rows) {
        if (!isFlagEventType(row.type)) continue;
        folded.set(
          row.streamId,
          evolveFlagState(folded.get(row.streamId), { type: row.type, data: row.data } as FlagEvent, {
            version: row.version,
            actor: row.actor,
            at: row.at,
          }),
        );
      }
      const expected = [...folded.values()].sort((x, y) => x.key.localeCompare(y.key));
      const flagsOn = async (instance: number) => {
        const listed = await until(`instance ${instance} to apply seq ${head}`, async () => {
          const res = await call(instance, false, 'GET', '/v1/flags?includeArchived=true');
          return res.status === 200 && res.body.headSeq === head ? res.body : undefined;
        });
        return (listed.flags as FlagState[]).map((f) => stateOf(f)).sort((x, y) => x.key.localeCompare(y.key));
      };
      const viewA = await flagsOn(0);
      const viewB = await flagsOn(1);
      expect(viewA).toHaveLength(FLAGS);
      expect(viewA).toEqual(expected);
      expect(viewB).toEqual(expected);

      // The database projections equal a rebuild from the log.
      const dump = async () =>
        JSON.stringify([
          (await client.query('SELECT * FROM flag_state ORDER BY key')).rows,
          (await client.query('SELECT * FROM audit_trail ORDER BY seq')).rows,
        ]);
      const beforeRebuild = await dump();
      const rebuilt = await call(0, false, 'POST', '/v1/admin/projections/rebuild');
      expect(rebuilt.status).toBe(200);
      expect(rebuilt.body).toMatchObject({ headSeq: head });
      expect(await dump()).toBe(beforeRebuild);
      expect(await flagsOn(0)).toEqual(expected);
      expect(await flagsOn(1)).toEqual(expected);
    } finally {
      await client.end();
    }

    // A change through one instance is evaluated on the other within 100 ms, both ways (B restarted).
    const lags: number[] = [];
    const created = await call(0, false, 'POST', '/v1/flags', {
      key: 'pgchaos-fresh',
      type: 'operational',
      owner: 'chaos',
      enabled: false,
      rolloutPercentage: 100,
    });
    expect(created.status).toBe(201);
    for (let i = 0; i < 10; i++) {
      const [writer, reader] = i % 2 === 0 ? [0, 1] : [1, 0];
      const changed = await call(
        writer,
        false,
        'POST',
        `/v1/flags/pgchaos-fresh/${i % 2 === 0 ? 'enable' : 'disable'}`,
        { reason: `freshness ${i}` },
      );
      const committed = performance.now();
      expect(changed.status).toBe(200);
      const version: number = changed.body.flag.version;
      const evaluated = await until(
        `instance ${reader} to evaluate version ${version}`,
        async () => {
          const res = await call(reader, false, 'POST', '/v1/evaluate', {
            flagKey: 'pgchaos-fresh',
            context: { userId: 'u-1' },
          });
          return res.status === 200 && res.body.flagVersion === version ? res.body : undefined;
        },
        2000,
      );
      lags.push(performance.now() - committed);
      expect(evaluated.enabled).toBe(i % 2 === 0);
    }
    console.log(`cross-instance evaluate lag over 10 changes (ms): max ${Math.max(...lags).toFixed(1)}`);
    for (const lag of lags) expect(lag).toBeLessThan(FRESHNESS_MS);
  }, 60_000);
});
