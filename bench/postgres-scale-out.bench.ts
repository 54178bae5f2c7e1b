/**
 * Issue 7: scale-out on PostgreSQL. Audited commands/s over HTTP with 50 concurrent clients against 1, 2
 * and 4 server processes sharing one fresh PostgreSQL database (clients spread round-robin over the
 * instances, each toggling its own flag, so every 2xx is one appended, hash-chained, committed event),
 * and the cross-instance propagation: a change committed through instance A, until instance B's change
 * stream (`GET /v1/stream`, read by the SDK client as in kill-switch-propagation.bench.ts) delivers it.
 * Baseline in the same run: the same client code against one instance on a temp SQLite file
 * (synchronous=FULL), and the same-instance propagation on it.
 *
 *   npm run bench:postgres [-- <seconds per measurement> <propagation changes>]   (defaults 8 s, 200)
 *
 * `bench:postgres` starts a throwaway PostgreSQL cluster (.ci/with-postgres). Run directly, it needs
 * FLAGLEDGER_TEST_PG_URL: a server where the user may CREATE DATABASE (a fresh database per measurement).
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { FlagledgerClient } from '../src/sdk/index.js';
import { createTestDatabase, type TestDatabase } from '../test/support/postgres-test-database.js';
import { freePort } from '../test/support/server-process.js';
import {
  auth,
  BENCH_TOKEN,
  machine,
  otherCpuLoad,
  percentile,
  processJiffies,
  rawSqliteCommitsPerSecond,
  startServer,
  type ServerProcess,
} from './support.js';

const SECONDS = Number(process.argv[2] ?? 8);
const CHANGES = Number(process.argv[3] ?? 200);
const WARM_UP_SECONDS = 2;
const WARM_UP_CHANGES = 20;
const CLIENTS = 50;
const INSTANCE_COUNTS = [1, 2, 4];
const ARRIVAL_TIMEOUT_MS = 10_000;

const dir = mkdtempSync(join(tmpdir(), 'flagledger-pg-scale-bench-'));
const signingKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

function send(
  port: number,
  agent: Agent,
  method: string,
  path: string,
  body: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        agent,
        headers: { ...auth, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (data += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The PostgreSQL server's processes (postmaster and its children), for the database's share of CPU. */
function postgresPids(): number[] {
  const dataDir = process.env.FLAGLEDGER_TEST_PG_DIR;
  if (dataDir === undefined) return [];
  let postmaster: number;
  try {
    postmaster = Number(readFileSync(join(dataDir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return [];
  }
  const pids = [postmaster];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === postmaster) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** CPU jiffies per pid now; deltas count only pids alive at both ends (a backend that exited is left out). */
const jiffiesOf = (pids: readonly number[]) => new Map(pids.map((pid) => [pid, processJiffies(pid)]));
function jiffiesSpent(before: Map<number, number>, pids: readonly number[]): number {
  let sum = 0;
  for (const pid of pids) {
    const start = before.get(pid);
    const now = processJiffies(pid);
    if (start !== undefined && now > 0) sum += Math.max(0, now - start);
  }
  return sum;
}

interface CommandRun {
  perSecond: number;
  /** The Flagledger servers' CPU (user + system, all instances) per command. */
  serverCpuMs: number;
  /** PostgreSQL's processes' CPU per command (NaN on SQLite). */
  databaseCpuMs: number;
  p50: number;
  p99: number;
  /** Commands per instance over the measurement. */
  perInstance: number[];
  load: string;
}

/** CLIENTS clients, one command in flight each, client c on instance c % N, each toggling its own flag. */
async function commands(
  servers: ServerProcess[],
  ports: number[],
  label: string,
  seconds: number,
  onPostgres: boolean,
): Promise<CommandRun> {
  const agents = ports.map(() => new Agent({ keepAlive: true, maxSockets: CLIENTS }));
  const instanceOf = (client: number) => client % ports.length;
  const flag = (client: number) => `bench-${label}-c${client}`;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      const i = instanceOf(client);
      const res = await send(
        ports[i]!,
        agents[i]!,
        'POST',
        '/v1/flags',
        JSON.stringify({ key: flag(client), type: 'operational', owner: 'bench', enabled: false }),
      );
      if (res.status !== 201) throw new Error(`create answered ${res.status}: ${res.body}`);
    }),
  );
  const serverPids = servers.map((s) => s.child.pid!);
  // Each client's toggle count carries over from the warm-up, so every command is a real change.
  const toggles = new Array<number>(CLIENTS).fill(0);
  const run = async (duration: number, measure: boolean) => {
    const latencies: number[] = [];
    const perInstance = ports.map(() => 0);
    let failed = 0;
    const deadline = performance.now() + duration * 1000;
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        const i = instanceOf(client);
        while (performance.now() < deadline) {
          const started = performance.now();
          const res = await send(
            ports[i]!,
            agents[i]!,
            'POST',
            `/v1/flags/${flag(client)}/${toggles[client]!++ % 2 === 0 ? 'enable' : 'disable'}`,
            '{"reason":"bench"}',
          );
          if (res.status === 200) {
            if (res.body.includes('"event":null')) throw new Error(`a command changed nothing: ${res.body}`);
            latencies.push(performance.now() - started);
            perInstance[i]!++;
          } else failed++;
        }
      }),
    );
    if (failed > 0) throw new Error(`${failed} commands failed`);
    return measure ? { latencies, perInstance } : undefined;
  };
  await run(WARM_UP_SECONDS, false);
  const pgPids = onPostgres ? postgresPids() : [];
  const load = otherCpuLoad([...serverPids, ...pgPids]);
  const serverBefore = jiffiesOf(serverPids);
  const pgBefore = jiffiesOf(pgPids);
  const measured = (await run(seconds, true))!;
  const loadText = load();
  const count = measured.latencies.length;
  const serverCpuMs = (jiffiesSpent(serverBefore, serverPids) * 10) / count; // 100 jiffies/s
  const databaseCpuMs = onPostgres ? (jiffiesSpent(pgBefore, pgPids) * 10) / count : NaN;
  for (const agent of agents) agent.destroy();
  measured.latencies.sort((a, b) => a - b);
  return {
    perSecond: count / seconds,
    serverCpuMs,
    databaseCpuMs,
    p50: percentile(measured.latencies, 50),
    p99: percentile(measured.latencies, 99),
    perInstance: measured.perInstance,
    load: loadText,
  };
}

/**
 * CHANGES enable/disable toggles of one flag through the instance on `writerPort`, one at a time; per
 * change, from the command's 2xx (t0) until the SDK client following `readerUrl`'s stream fires 'changed'
 * for its seq. Also the command's own round trip. Latencies before t0 count as 0 (and are counted).
 */
async function propagation(
  writerPort: number,
  readerUrl: string,
  key: string,
): Promise<{ lags: number[]; rtts: number[]; early: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const created = await send(
    writerPort,
    agent,
    'POST',
    '/v1/flags',
    JSON.stringify({ key, type: 'operational', owner: 'bench', enabled: false, rolloutPercentage: 100 }),
  );
  if (created.status !== 201) throw new Error(`create answered ${created.status}: ${created.body}`);
  const arrivals = new Map<number, number>();
  let waiting: { seq: number; resolve: () => void } | undefined;
  const client = await FlagledgerClient.start({ url: readerUrl, token: BENCH_TOKEN, reportIntervalMs: 0 });
  let streamErrors = 0;
  client.on('error', () => streamErrors++);
  client.on('changed', ({ key: changed, seq }) => {
    if (changed !== key || arrivals.has(seq)) return;
    arrivals.set(seq, performance.now());
    if (waiting?.seq === seq) waiting.resolve();
  });
  const lags: number[] = [];
  const rtts: number[] = [];
  let early = 0;
  try {
    for (let waited = 0; !client.connected; waited += 10) {
      if (waited > ARRIVAL_TIMEOUT_MS) throw new Error('the SDK client did not connect its stream');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    for (let change = 0; change < WARM_UP_CHANGES + CHANGES; change++) {
      const sent = performance.now();
      const res = await send(
        writerPort,
        agent,
        'POST',
        `/v1/flags/${key}/${change % 2 === 0 ? 'enable' : 'disable'}`,
        JSON.stringify({ reason: `propagation ${change}` }),
      );
      const t0 = performance.now();
      const body = JSON.parse(res.body) as { event: { seq: number } | null };
      if (res.status !== 200 || body.event === null)
        throw new Error(`change ${change} answered ${res.status}: ${res.body}`);
      const seq = body.event.seq;
      if (!arrivals.has(seq)) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`seq ${seq} did not reach the stream within ${ARRIVAL_TIMEOUT_MS} ms`)),
            ARRIVAL_TIMEOUT_MS,
          );
          waiting = {
            seq,
            resolve: () => {
              clearTimeout(timer);
              waiting = undefined;
              resolve();
            },
          };
        });
      }
      if (change < WARM_UP_CHANGES) continue;
      const lag = arrivals.get(seq)! - t0;
      if (lag < 0) early++;
      lags.push(Math.max(0, lag));
      rtts.push(t0 - sent);
    }
  } finally {
    await client.close();
    agent.destroy();
  }
  if (streamErrors > 0) console.log(`  (${streamErrors} stream errors on the reader)`);
  return { lags: lags.sort((a, b) => a - b), rtts: rtts.sort((a, b) => a - b), early };
}

/**
 * The disk's single-writer ceilings, one connection committing one ~250-byte row per transaction: on
 * PostgreSQL (synchronous_commit on, as the server runs) and on SQLite (WAL, synchronous=FULL). An append
 * holds the lock through its commit, so this bounds the PostgreSQL store's appends/s from above.
 */
async function rawPostgresCommitsPerSecond(url: string, seconds: number): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('CREATE TABLE raw_commits (id bigserial PRIMARY KEY, body text NOT NULL)');
    const deadline = performance.now() + seconds * 1000;
    let n = 0;
    while (performance.now() < deadline) {
      await client.query('BEGIN');
      await client.query('INSERT INTO raw_commits (body) VALUES ($1)', [`{"n":${n++},"padding":"${'x'.repeat(200)}"}`]);
      await client.query('COMMIT');
    }
    await client.query('DROP TABLE raw_commits');
    return n / seconds;
  } finally {
    await client.end();
  }
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
const p50p99 = (sorted: number[]) =>
  `p50 ${ms(percentile(sorted, 50))}, p99 ${ms(percentile(sorted, 99))}, max ${ms(sorted[sorted.length - 1]!)}`;
const describeRun = (r: CommandRun) =>
  `${r.perSecond.toFixed(0)} commands/s (p50 ${ms(r.p50)}, p99 ${ms(r.p99)}), server CPU ${r.serverCpuMs.toFixed(2)} ms/command${Number.isNaN(r.databaseCpuMs) ? '' : `, PostgreSQL CPU ${r.databaseCpuMs.toFixed(2)} ms/command`}; per instance ${r.perInstance.map((n) => (n / SECONDS).toFixed(0)).join(' / ')}/s; ${r.load}`;

async function startInstances(db: string, count: number): Promise<ServerProcess[]> {
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  // Started together, as behind a load balancer: one of them migrates, the others wait.
  return Promise.all(
    ports.map((port) => startServer(db, port, { FLAGLEDGER_SIGNING_KEY: signingKey, FLAGLEDGER_SYNC: 'full' })),
  );
}
const portOf = (server: ServerProcess) => Number(new URL(server.url).port);

const databases: TestDatabase[] = [];
let running: ServerProcess[] = [];
try {
  console.log(`machine: ${machine()}; ${new Date().toISOString()}`);
  console.log(
    `${CLIENTS} concurrent clients, one command in flight each, ${WARM_UP_SECONDS} s warm-up then ${SECONDS} s measured; propagation over ${CHANGES} changes after ${WARM_UP_CHANGES} warm-up`,
  );

  const rawDatabase = await createTestDatabase();
  databases.push(rawDatabase);
  console.log(
    `raw single-row commits, one connection: PostgreSQL ${(await rawPostgresCommitsPerSecond(rawDatabase.url, 3)).toFixed(0)}/s, SQLite (WAL, synchronous=FULL) ${rawSqliteCommitsPerSecond(join(dir, 'raw.db'), 3).toFixed(0)}/s`,
  );

  // Baseline: one instance on SQLite, synchronous=FULL.
  running = await startInstances(join(dir, 'flagledger.db'), 1);
  const sqlite = await commands(running, running.map(portOf), 'sqlite', SECONDS, false);
  console.log(`SQLite, 1 instance (baseline): ${describeRun(sqlite)}`);
  const sqliteProp = await propagation(portOf(running[0]!), running[0]!.url, 'propagation_sqlite');
  console.log(
    `SQLite, same instance: 2xx → its own stream ${p50p99(sqliteProp.lags)} (${sqliteProp.early} before the 2xx); command round trip ${p50p99(sqliteProp.rtts)}`,
  );
  await Promise.all(running.map((s) => s.stop()));
  running = [];

  for (const count of INSTANCE_COUNTS) {
    const database = await createTestDatabase();
    databases.push(database);
    running = await startInstances(database.url, count);
    const result = await commands(running, running.map(portOf), `pg${count}`, SECONDS, true);
    console.log(`PostgreSQL, ${count} instance${count === 1 ? '' : 's'}: ${describeRun(result)}`);
    if (count === 2) {
      const load = otherCpuLoad([...running.map((s) => s.child.pid!), ...postgresPids()]);
      const prop = await propagation(portOf(running[0]!), running[1]!.url, 'propagation_pg');
      console.log(
        `PostgreSQL, A → B: 2xx on A → B's stream ${p50p99(prop.lags)} (${prop.early} before the 2xx); command round trip on A ${p50p99(prop.rtts)}; ${load()}`,
      );
      const same = await propagation(portOf(running[0]!), running[0]!.url, 'propagation_pg_same');
      console.log(
        `PostgreSQL, A → A (same instance, reference): 2xx → A's own stream ${p50p99(same.lags)} (${same.early} before the 2xx)`,
      );
    }
    await Promise.all(running.map((s) => s.stop()));
    running = [];
  }
} finally {
  await Promise.all(running.map((s) => s.stop()));
  for (const database of databases) await database.drop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}
