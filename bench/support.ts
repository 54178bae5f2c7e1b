import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, rmSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import BetterSqlite3 from 'better-sqlite3';
import { InMemStorageProvider, Unleash, type ClientFeaturesResponse } from 'unleash-client';
import { openSqliteDatabase } from '../src/database/sqlite/open-sqlite-database.js';
import type { ChainHead } from '../src/event-store/event-store.js';
import { seedFlagEvents } from '../test/support/seed-events.js';

/** The machine the figures were measured on, printed with them. */
export function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

export const BENCH_TOKEN = 'bench-admin-secret';

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Milliseconds from spawn until /health answered. */
  startMs: number;
  /** Peak resident set size so far (VmHWM), MiB. */
  peakRssMb: () => number;
  rssMb: () => number;
  stop: () => Promise<void>;
}

function statusField(pid: number, field: string): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  return line === undefined ? NaN : Math.round(Number(line.split(/\s+/)[1]) / 1024);
}

/** Starts the real server (dist/main.js) on a database file and waits until it answers /health. */
export function startServer(dbPath: string, port: number, env: Record<string, string> = {}): Promise<ServerProcess> {
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=prof" profiles the server (Node refuses --cpu-prof in NODE_OPTIONS).
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  return startProcess(
    'dist/main.js',
    port,
    { FLAGLEDGER_DB: dbPath, FLAGLEDGER_TOKENS: `bench:admin:${BENCH_TOKEN}`, ...env },
    nodeArgs,
  );
}

/** Starts `node [nodeArgs] <script>` with PORT set, as the real server is started, and waits until it answers GET /health. */
export async function startProcess(
  script: string,
  port: number,
  env: Record<string, string> = {},
  nodeArgs: readonly string[] = [],
): Promise<ServerProcess> {
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, script], {
    env: { ...process.env, PORT: String(port), ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const startMs = performance.now() - started;
  const pid = child.pid!;
  return {
    child,
    url,
    startMs,
    peakRssMb: () => statusField(pid, 'VmHWM'),
    rssMb: () => statusField(pid, 'VmRSS'),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const auth = { authorization: `Bearer ${BENCH_TOKEN}` };

export function fmt(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

function cpuJiffies(): { busy: number; steal: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return { busy: user + nice + system + irq + softirq, steal };
}

/** CPU time (user + system) the process has used so far, in jiffies (1/100 s); 0 once it is gone. */
export function processJiffies(pid: number | 'self'): number {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/**
 * How busy the rest of the machine was while a figure was measured: CPU time spent by every process but
 * this one and `pids` (the server), in cores, and the hypervisor's steal. Call the result to read it.
 */
export function otherCpuLoad(pids: readonly number[] = []): () => string {
  const ticksPerSecond = 100; // USER_HZ on Linux
  const ours = () => processJiffies('self') + pids.reduce((sum, pid) => sum + processJiffies(pid), 0);
  const start = { cpu: cpuJiffies(), ours: ours(), at: performance.now() };
  return () => {
    const cpu = cpuJiffies();
    const seconds = (performance.now() - start.at) / 1000;
    const other = (cpu.busy - start.cpu.busy - (ours() - start.ours)) / ticksPerSecond / seconds;
    const steal = (cpu.steal - start.cpu.steal) / ticksPerSecond / seconds;
    return `other processes ${Math.max(0, other).toFixed(2)} cores, steal ${steal.toFixed(2)} cores over ${seconds.toFixed(1)} s`;
  };
}

export const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * A log of `events` valid, hash-chained events over `flags` flags in a new database file: the app's own
 * migrations create it, then test/support/seed-events.ts appends in one transaction. Projections are left
 * behind: the next server start catches them up over the whole log.
 */
export async function seedLog(dbPath: string, events: number, flags: number): Promise<ChainHead> {
  const { db } = await openSqliteDatabase(dbPath, 'full');
  await db.destroy();
  return seedFlagEvents(dbPath, { flags, events, startAt: '2025-01-01T00:00:00.000Z', stepMs: 1000 });
}

type UnleashToggle = ClientFeaturesResponse['features'][number];
type UnleashConstraint = NonNullable<NonNullable<UnleashToggle['strategies']>[number]['constraints']>[number];

/**
 * Unleash's equivalent of a Flagledger flag at `rollout` %: flexibleRollout, stickiness userId, groupId = the
 * key; with `segments`, a constraint `segment IN segments` (Unleash reads it from the context's properties).
 */
export function unleashRolloutToggle(name: string, rollout: number, segments: string[] = []): UnleashToggle {
  const constraints: UnleashConstraint[] =
    segments.length === 0
      ? []
      : [
          {
            contextName: 'segment',
            operator: 'IN' as UnleashConstraint['operator'],
            inverted: false,
            values: segments,
          },
        ];
  return {
    name,
    enabled: true,
    type: 'release',
    project: 'default',
    stale: false,
    impressionData: false,
    variants: [],
    strategies: [
      {
        name: 'flexibleRollout',
        parameters: { rollout: String(rollout), stickiness: 'userId', groupId: name },
        constraints,
      },
    ],
  };
}

/** Nothing listens here: an offline unleash-client must never need it (refresh and metrics are off). */
export const UNLEASH_OFFLINE_URL = 'http://127.0.0.1:9/api/';

/**
 * unleash-client fully offline: toggles bootstrapped in memory, no refresh, no metrics, in-memory storage, a
 * closed loopback URL. networkErrors() counts the requests it tried anyway (none expected).
 */
export async function startOfflineUnleash(
  toggles: UnleashToggle[],
): Promise<{ unleash: Unleash; networkErrors: () => number }> {
  const unleash = new Unleash({
    appName: 'flagledger-bench',
    url: UNLEASH_OFFLINE_URL,
    refreshInterval: 0,
    disableMetrics: true,
    skipInstanceCountWarning: true,
    storageProvider: new InMemStorageProvider(),
    bootstrap: { data: toggles },
  });
  let errors = 0;
  unleash.on('error', () => errors++);
  unleash.on('warn', () => undefined);
  // The bootstrap is applied asynchronously, after the constructor returned: 'ready' cannot be missed here.
  await once(unleash, 'ready');
  return { unleash, networkErrors: () => errors };
}

/**
 * The disk's single-writer ceiling for SQLite: one 200-byte INSERT per transaction in WAL mode with
 * synchronous=FULL, the pragmas the server runs with, on a fresh file at `path`.
 */
export function rawSqliteCommitsPerSecond(path: string, seconds: number): number {
  rmSync(path, { force: true });
  const db = new BetterSqlite3(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO rows (body) VALUES (?)');
  const commit = db.transaction((body: string) => insert.run(body));
  const deadline = performance.now() + seconds * 1000;
  let n = 0;
  while (performance.now() < deadline) commit(`{"n":${n++},"padding":"${'x'.repeat(200)}"}`);
  db.close();
  return n / seconds;
}
