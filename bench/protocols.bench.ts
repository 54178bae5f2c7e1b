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
 * Beside the pairs, for where the Unleash route's time goes: one run of it answering 304 (an SDK polling
 * with the ETag it holds, the steady state of polling), and, in this process, what it computes per
 * request on top of the projection (mapping and serializing every flag, and the sha256 of the body for
 * its ETag), which a 304 pays as fully as a 200.
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
import type { EvaluableFlag } from '../src/evaluation-engine/index.js';
import { unleashClientFeatures } from '../src/unleash/unleash-feature.js';
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

/** One way of asking: GET, or POST with one of `bodies` per request in turn; every answer `status` (200). */
interface Route {
  label: string;
  path: string;
  authorization: string;
  bodies?: readonly string[];
  ifNoneMatch?: string;
  status?: 200 | 304;
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
  const conditional = route.ifNoneMatch === undefined ? {} : { 'if-none-match': route.ifNoneMatch };
  const result = await autocannon({
    url: `${server.url}${route.path}`,
    connections: CONNECTIONS,
    duration: seconds,
    ...(bodies === undefined
      ? { method: 'GET' as const, headers: { authorization: route.authorization, ...conditional } }
      : {
          method: 'POST' as const,
          headers: { authorization: route.authorization, 'content-type': 'application/json' },
          requests: [{ setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length]! }) }],
        }),
  });
  const expected = route.status === 304 ? result['3xx'] : result['2xx'];
  const total = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
  if (result.errors > 0 || expected !== total)
    throw new Error(
      `${route.label}: ${result.errors} errors, ${total - expected} answers other than ${route.status ?? 200}`,
    );
  const cpuUs = ((processJiffies(pid) - cpuBefore) * 10_000) / expected;
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

/** µs per call of `work`, in this process. */
function microseconds(work: () => unknown): number {
  const rounds = 2000;
  for (let i = 0; i < rounds / 10; i++) work();
  const started = performance.now();
  for (let i = 0; i < rounds; i++) work();
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
    // Said, not thrown: the pair is still timed, but its figure then compares different work.
    if (n !== live) console.warn(`WARNING ${route.label}: ${n} flags in the answer, ${live} live flags`);
    sizes.push(`${route.label} ${Buffer.byteLength(text).toLocaleString('en')} B`);
    return true;
  };
  await answer(snapshot, (body) => (body as { flags: unknown[] }).flags.length);
  await answer(unleash, (body) => (body as { features: unknown[] }).features.length);
  await answer(evaluateAll, (body) => (body as { results: unknown[] }).results.length);
  const ofrepPresent = await answer(ofrep, (body) => (body as { flags: unknown[] }).flags.length);
  console.log(`${live} live flags (${archived} archived); one 200 body: ${sizes.join(', ')}`);
  // What GET /api/client/features does per request beyond reading the projection, 304s included: map
  // and serialize every flag, then hash the body for its ETag.
  const flags = (JSON.parse((await ask(server, snapshot)).text) as { flags: EvaluableFlag[] }).flags;
  const unleashBody = JSON.stringify(unleashClientFeatures(flags));
  console.log(
    `in this process, per request of GET /api/client/features: mapping + JSON.stringify ${microseconds(() => JSON.stringify(unleashClientFeatures(flags))).toFixed(1)} µs, sha256 hex of the body (its ETag) ${microseconds(() => createHash('sha256').update(unleashBody).digest('hex')).toFixed(1)} µs`,
  );

  await compare(server, snapshot, unleash);

  // Beside the pair: a polling SDK that holds the current ETag, the steady state of Unleash polling.
  const etag = (await fetch(`${server.url}${unleash.path}`, { headers: { authorization: BENCH_TOKEN } })).headers.get(
    'etag',
  );
  if (etag === null) throw new Error('GET /api/client/features answered no ETag');
  const notModified: Route = { ...unleash, label: `${unleash.label} → 304`, ifNoneMatch: etag, status: 304 };
  const polls = await load(server, notModified, SECONDS);
  console.log(
    `${notModified.label} (If-None-Match: the ETag held), one run: ${reqs(polls.reqPerSec).trim()} req/s, p99 ${polls.p99} ms, server CPU ${polls.cpuUs.toFixed(0)} µs/answer`,
  );
  if (ofrepPresent) await compare(server, evaluateAll, ofrep);
  else console.log('\nOFREP bulk route not present: skipped');
} finally {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
}
