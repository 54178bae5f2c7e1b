/**
 * Issue 16: what serving other people's clients costs beside Flagledger's own routes, on one real server
 * (dist/main.js, a child process on a temp database) with flags of every shape (on, 0/1/37/50/99/100 %,
 * disabled, kill switch, segments, archived). Two comparisons, each timed in turn with autocannon (A B B A
 * …) like bench/evaluate-pairs.ts, the figure being the median of the back-to-back pairs' ratios B ÷ A
 * (target ≥ 80 %, "within 20 %"):
 *
 * - GET /api/client/features (Unleash client format, the token raw in Authorization as Unleash SDKs send
 *   it) against GET /v1/snapshot. Neither sends If-None-Match: every answer is a 200 with the body, the
 *   cost of an SDK's first fetch or of a poll after a change, not of a 304.
 * - POST /ofrep/v1/evaluate/flags (OFREP bulk, `{"context":{"targetingKey":"user-<i>"}}`) against POST
 *   /v1/evaluate/all (`{"context":{"userId":"user-<i>"}}`), the same 10,000 users in turn, no
 *   If-None-Match. If the OFREP route answers 404 (not built yet) that comparison is skipped.
 *
 *   npm run bench:protocols [-- <seconds per run> <runs per route> <connections> <flags>]
 *       defaults 5 s × 8 runs per route, 50 connections, 30 flags (the full figures: run on a quiet machine)
 *   npm run bench:protocols -- 1 2 50 30      a short validation that every route answers and is timed
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { post } from './evaluate-pairs.js';
import {
  auth,
  BENCH_TOKEN,
  machine,
  median,
  otherCpuLoad,
  percentile,
  processJiffies,
  startServer,
  type ServerProcess,
} from './support.js';

const SECONDS = Number(process.argv[2] ?? 5);
const RUNS = Number(process.argv[3] ?? 8);
const CONNECTIONS = Number(process.argv[4] ?? 50);
const FLAGS = Number(process.argv[5] ?? 30);
const PORT = 3488;
const USERS = 10_000;
const TARGET = 0.8;

/** One way of asking: GET, or POST with one of `bodies` per request in turn. */
interface Route {
  label: string;
  path: string;
  authorization: string;
  bodies?: readonly string[];
}

interface Run {
  reqPerSec: number;
  p99: number;
  cpuUs: number;
}

/** The shapes the flags cycle through: every mapping GET /api/client/features makes (docs/contract.md §11). */
const SHAPES: readonly { name: string; body: Record<string, unknown>; archive?: true }[] = [
  { name: 'on', body: { enabled: true } },
  { name: '50 %', body: { enabled: true, rolloutPercentage: 50 } },
  { name: '37 %', body: { enabled: true, rolloutPercentage: 37 } },
  { name: '1 %', body: { enabled: true, rolloutPercentage: 1 } },
  { name: '99 %', body: { enabled: true, rolloutPercentage: 99 } },
  { name: '0 %', body: { enabled: true, rolloutPercentage: 0 } },
  { name: 'disabled', body: { enabled: false } },
  { name: 'kill switch', body: { enabled: true, killSwitch: true } },
  { name: 'segments', body: { enabled: true, rolloutPercentage: 50, targetSegments: ['beta', 'internal'] } },
  { name: 'archived', body: { enabled: true }, archive: true },
];

const users = (context: (user: string) => object): string[] =>
  Array.from({ length: USERS }, (_, i) => JSON.stringify({ context: context(`user-${i}`) }));

async function load(server: ServerProcess, route: Route, seconds: number): Promise<Run> {
  const pid = server.child.pid!;
  const cpuBefore = processJiffies(pid);
  let next = 0;
  const bodies = route.bodies;
  const result = await autocannon({
    url: `${server.url}${route.path}`,
    connections: CONNECTIONS,
    duration: seconds,
    ...(bodies === undefined
      ? { method: 'GET' as const, headers: { authorization: route.authorization } }
      : {
          method: 'POST' as const,
          headers: { authorization: route.authorization, 'content-type': 'application/json' },
          requests: [{ setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length]! }) }],
        }),
  });
  if (result.errors > 0 || result.non2xx > 0)
    throw new Error(`${route.label}: ${result.errors} errors, ${result.non2xx} non-2xx answers`);
  const cpuUs = ((processJiffies(pid) - cpuBefore) * 10_000) / result['2xx'];
  return { reqPerSec: result.requests.average, p99: result.latency.p99, cpuUs };
}

/** One answer of the route, to check its shape and size before it is timed. */
async function ask(server: ServerProcess, route: Route): Promise<{ status: number; text: string }> {
  const response = await fetch(`${server.url}${route.path}`, {
    method: route.bodies === undefined ? 'GET' : 'POST',
    headers: {
      authorization: route.authorization,
      ...(route.bodies === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(route.bodies === undefined ? {} : { body: route.bodies[0] }),
  });
  return { status: response.status, text: await response.text() };
}

/** µs per sha256 hex digest of `body`, as GET /api/client/features computes one per request for its ETag. */
function sha256Us(body: string): number {
  const rounds = 2000;
  const started = performance.now();
  for (let i = 0; i < rounds; i++) createHash('sha256').update(body).digest('hex');
  return ((performance.now() - started) * 1000) / rounds;
}

const reqs = (value: number) => Math.round(value).toLocaleString('en').padStart(7);

async function compare(server: ServerProcess, a: Route, b: Route): Promise<void> {
  console.log(`\n${b.label} against ${a.label}`);
  for (const route of [a, b]) await load(server, route, 2); // warm-up
  const runs = new Map<Route, Run[]>([
    [a, []],
    [b, []],
  ]);
  const cpu = otherCpuLoad([server.child.pid!]);
  for (let run = 0; run < RUNS; run++) {
    for (const route of run % 2 === 0 ? [a, b] : [b, a]) {
      const result = await load(server, route, SECONDS);
      runs.get(route)!.push(result);
      console.log(
        `run ${run + 1} ${route.label.padEnd(36)} ${reqs(result.reqPerSec)} req/s, p99 ${result.p99} ms, server CPU ${result.cpuUs.toFixed(0)} µs/answer`,
      );
    }
  }
  console.log(`while timing: ${cpu()}`);
  for (const route of [a, b]) {
    const r = runs.get(route)!;
    console.log(
      `${route.label.padEnd(36)} median ${reqs(median(r.map((x) => x.reqPerSec))).trim()} req/s, p99 ${median(r.map((x) => x.p99))} ms, server CPU ${median(r.map((x) => x.cpuUs)).toFixed(0)} µs/answer`,
    );
  }
  const paired = runs.get(b)!.map((r, i) => r.reqPerSec / runs.get(a)![i]!.reqPerSec);
  const ratio = median(paired);
  const sorted = [...paired].sort((x, y) => x - y);
  console.log(
    `${b.label} ÷ ${a.label} per back-to-back pair: ${paired.map((r) => `${(r * 100).toFixed(1)} %`).join(', ')}; median ${(ratio * 100).toFixed(1)} % (range ${(sorted[0]! * 100).toFixed(1)}–${(percentile(sorted, 100) * 100).toFixed(1)} %; target ≥ ${TARGET * 100} %: ${ratio >= TARGET ? 'met' : 'NOT met'})`,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'flagledger-bench-protocols-'));
let server: ServerProcess | undefined;
try {
  console.log(`machine: ${machine()}; ${new Date().toISOString()}`);
  console.log(
    `autocannon: ${CONNECTIONS} connections, ${SECONDS} s per run, ${RUNS} runs per route, alternating; ${FLAGS} flags cycling through ${SHAPES.map((s) => s.name).join(', ')}`,
  );
  server = await startServer(join(dir, 'flagledger.db'), PORT);
  let archived = 0;
  for (let i = 0; i < FLAGS; i++) {
    const shape = SHAPES[i % SHAPES.length]!;
    const key = `bench-flag-${i}`;
    await post(server, '/v1/flags', { key, type: 'operational', owner: 'bench', ...shape.body });
    if (shape.archive) {
      await post(server, `/v1/flags/${key}/archive`, { reason: 'bench: an archived flag is left out' });
      archived++;
    }
  }
  const live = FLAGS - archived;

  const snapshot: Route = { label: 'GET /v1/snapshot', path: '/v1/snapshot', authorization: auth.authorization };
  const unleash: Route = {
    label: 'GET /api/client/features',
    path: '/api/client/features',
    authorization: BENCH_TOKEN,
  };
  const evaluateAll: Route = {
    label: 'POST /v1/evaluate/all',
    path: '/v1/evaluate/all',
    authorization: auth.authorization,
    bodies: users((userId) => ({ userId })),
  };
  const ofrep: Route = {
    label: 'POST /ofrep/v1/evaluate/flags',
    path: '/ofrep/v1/evaluate/flags',
    authorization: auth.authorization,
    bodies: users((targetingKey) => ({ targetingKey })),
  };

  // Every route answers what it should before anything is timed, and the bodies' sizes are printed.
  const sizes: string[] = [];
  const answer = async (route: Route, count: (body: unknown) => number): Promise<boolean> => {
    const { status, text } = await ask(server!, route);
    if (status === 404 && route === ofrep) return false;
    if (status !== 200) throw new Error(`${route.label} answered ${status}: ${text}`);
    const n = count(JSON.parse(text));
    if (n !== live) throw new Error(`${route.label}: ${n} flags in the answer, ${live} live flags`);
    sizes.push(`${route.label} ${Buffer.byteLength(text).toLocaleString('en')} B`);
    return true;
  };
  await answer(snapshot, (body) => (body as { flags: unknown[] }).flags.length);
  await answer(unleash, (body) => (body as { features: unknown[] }).features.length);
  await answer(evaluateAll, (body) => (body as { results: unknown[] }).results.length);
  const ofrepPresent = await answer(ofrep, (body) => (body as { flags: unknown[] }).flags.length);
  console.log(`${live} live flags (${archived} archived); one 200 body: ${sizes.join(', ')}`);
  const unleashBody = (await ask(server, unleash)).text;
  console.log(
    `in this process, sha256 hex of the Unleash body (its ETag, computed per request): ${sha256Us(unleashBody).toFixed(1)} µs`,
  );

  await compare(server, snapshot, unleash);
  if (ofrepPresent) await compare(server, evaluateAll, ofrep);
  else console.log('\nOFREP bulk route not present: skipped');
} finally {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
}
