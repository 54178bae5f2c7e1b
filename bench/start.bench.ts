/**
 * Issue 6: server start time and memory with 1,000,000 events in the log (target: start ≤ 2 s, no full
 * replay). Seeds the log (bench/support.ts seedLog), lets the real server catch its projections up once,
 * then times cold starts of dist/main.js (a new process each time; the OS page cache stays warm) until
 * GET /v1/snapshot answers, alternating with the same server on an empty database (the baseline).
 *
 *   npm run bench:start [-- <events> <flags> <starts per database>]   (defaults 1,000,000 10 5)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { auth, fmt, machine, median, seedLog, startServer } from './support.js';

const EVENTS = Number(process.argv[2] ?? 1_000_000);
const FLAGS = Number(process.argv[3] ?? 10);
const STARTS = Number(process.argv[4] ?? 5);
const PORT = 3485;

interface Start {
  readyMs: number;
  healthMs: number;
  rssMb: number;
  peakRssMb: number;
}

/** What a start has to do: the log's head, and the lowest projection checkpoint (catch-up starts there). */
function logState(dbPath: string): { head: number; checkpoint: number } {
  const db = new BetterSqlite3(dbPath, { readonly: true, fileMustExist: true });
  try {
    const head = (db.prepare('SELECT coalesce(max(seq), 0) FROM events').pluck().get() as number) ?? 0;
    const checkpoint =
      (db.prepare('SELECT coalesce(min(seq), 0) FROM projection_checkpoints').pluck().get() as number) ?? 0;
    return { head, checkpoint };
  } finally {
    db.close();
  }
}

/** From spawn until GET /v1/snapshot answered with the log's head; RSS right then. */
async function coldStart(dbPath: string, head: number): Promise<Start> {
  const started = performance.now();
  const server = await startServer(dbPath, PORT);
  try {
    const response = await fetch(`${server.url}/v1/snapshot`, { headers: auth });
    const snapshot = (await response.json()) as { headSeq: number; flags: unknown[] };
    const readyMs = performance.now() - started;
    if (response.status !== 200 || snapshot.headSeq !== head)
      throw new Error(`snapshot answered ${response.status} at seq ${snapshot.headSeq}, expected ${head}`);
    return { readyMs, healthMs: server.startMs, rssMb: server.rssMb(), peakRssMb: server.peakRssMb() };
  } finally {
    await server.stop();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'flagledger-start-bench-'));
const full = join(dir, 'full.db');
const empty = join(dir, 'empty.db');
try {
  console.log(`machine: ${machine()}; ${new Date().toISOString()}`);
  const t = performance.now();
  await seedLog(full, EVENTS, FLAGS);
  console.log(`seeded ${EVENTS.toLocaleString('en')} events over ${FLAGS} flags in ${fmt(performance.now() - t)}`);

  // Once: the projections catch up over the whole seeded log, as after an upgrade that adds a projection.
  const first = await startServer(full, PORT);
  console.log(
    `first start, catching up ${EVENTS.toLocaleString('en')} events: ${fmt(first.startMs)} to /health, peak RSS ${first.peakRssMb()} MiB`,
  );
  await first.stop();
  // The baseline database: created and migrated by the server itself, no events.
  await (await startServer(empty, PORT)).stop();

  const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`load average before the timed starts: ${loadAverage()}`);
  const databases = { [`${EVENTS.toLocaleString('en')} events`]: full, 'empty log (baseline)': empty };
  const starts = new Map<string, Start[]>(Object.keys(databases).map((name) => [name, []]));
  for (let i = 0; i < STARTS; i++) {
    // Alternate which goes first, so drift on this VM hits both alike.
    const order = i % 2 === 0 ? Object.entries(databases) : Object.entries(databases).reverse();
    for (const [name, dbPath] of order) {
      const { head, checkpoint } = logState(dbPath);
      // Every projection's checkpoint is at the head: a start has nothing to apply, let alone replay.
      if (checkpoint !== head)
        throw new Error(`${name}: projections at seq ${checkpoint}, the log at ${head}: this start would catch up`);
      const start = await coldStart(dbPath, head);
      starts.get(name)!.push(start);
      console.log(
        `start ${i + 1} ${name.padEnd(20)} ${fmt(start.readyMs).padStart(9)} to /v1/snapshot (${fmt(start.healthMs)} to /health), RSS ${start.rssMb} MiB, peak ${start.peakRssMb} MiB`,
      );
    }
  }

  console.log(
    `load average after them: ${loadAverage()} (the machine has 2 cores; other work slows every start alike)`,
  );
  const summary = (name: string) => {
    const s = starts.get(name)!;
    return {
      median: median(s.map((x) => x.readyMs)),
      max: Math.max(...s.map((x) => x.readyMs)),
      rss: median(s.map((x) => x.rssMb)),
      peak: median(s.map((x) => x.peakRssMb)),
    };
  };
  const [fullName, emptyName] = Object.keys(databases) as [string, string];
  const withLog = summary(fullName);
  const baseline = summary(emptyName);
  console.log(
    `${fullName}: start median ${fmt(withLog.median)}, max ${fmt(withLog.max)}; RSS after start median ${withLog.rss} MiB (peak ${withLog.peak} MiB)`,
  );
  console.log(
    `${emptyName}: start median ${fmt(baseline.median)}, max ${fmt(baseline.max)}; RSS after start median ${baseline.rss} MiB (peak ${baseline.peak} MiB)`,
  );
  const signed = (value: number, text: string) => `${value < 0 ? '−' : '+'}${text}`;
  console.log(
    `ratio ${(withLog.median / baseline.median).toFixed(2)}× the empty log's start (${signed(withLog.median - baseline.median, fmt(Math.abs(withLog.median - baseline.median)))}), ` +
      `RSS ${signed(withLog.rss - baseline.rss, `${Math.abs(withLog.rss - baseline.rss)} MiB`)}; ` +
      `target start ≤ 2 s: ${withLog.max <= 2000 ? 'met' : 'NOT met'} (max of ${STARTS})`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
