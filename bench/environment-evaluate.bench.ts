/**
 * Issue 12: POST /v1/environments/:env/evaluate against POST /v1/evaluate on the same real server
 * (dist/main.js, a child process on a temp database), the same 10 flags at 50 % in both environments
 * (staging's state copied from production), the same 10,000 bodies. autocannon drives each route in turn
 * (A B B A …); the figure is the median of the back-to-back pairs' ratios. Target: ≥ 90 %.
 *
 *   npm run bench:environments [-- <seconds per run> <runs per route> <connections>]   (defaults 5 × 8, 50)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { auth, machine, median, otherCpuLoad, processJiffies, startServer, type ServerProcess } from './support.js';

const SECONDS = Number(process.argv[2] ?? 5);
const RUNS = Number(process.argv[3] ?? 8);
const CONNECTIONS = Number(process.argv[4] ?? 50);
const FLAGS = 10;
const USERS = 10_000;
const PORT = 3485;
const ROUTES = { v1: '/v1/evaluate', staging: '/v1/environments/staging/evaluate' } as const;
type Route = keyof typeof ROUTES;

const bodies = Array.from({ length: USERS }, (_, i) =>
  JSON.stringify({ flagKey: `bench-flag-${i % FLAGS}`, context: { userId: `user-${i}` } }),
);

interface Run {
  reqPerSec: number;
  p99: number;
  cpuUs: number;
}

async function post(server: ServerProcess, path: string, body: object): Promise<void> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${path} answered ${res.status}: ${await res.text()}`);
}

async function load(server: ServerProcess, route: Route, seconds: number): Promise<Run> {
  const pid = server.child.pid!;
  const cpuBefore = processJiffies(pid);
  let next = 0;
  const result = await autocannon({
    url: `${server.url}${ROUTES[route]}`,
    connections: CONNECTIONS,
    duration: seconds,
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    requests: [{ setupRequest: (request) => ({ ...request, body: bodies[next++ % USERS]! }) }],
  });
  if (result.errors > 0 || result.non2xx > 0)
    throw new Error(`${route}: ${result.errors} errors, ${result.non2xx} non-2xx answers`);
  const cpuUs = ((processJiffies(pid) - cpuBefore) * 10_000) / result['2xx'];
  return { reqPerSec: result.requests.average, p99: result.latency.p99, cpuUs };
}

const dir = mkdtempSync(join(tmpdir(), 'flagledger-environment-bench-'));
let server: ServerProcess | undefined;
try {
  console.log(`machine: ${machine()}; ${new Date().toISOString()}`);
  console.log(`autocannon: ${CONNECTIONS} connections, ${SECONDS} s per run, ${RUNS} runs per route, alternating`);
  server = await startServer(join(dir, 'flagledger.db'), PORT);
  await post(server, '/v1/environments', { key: 'staging', name: 'Staging', type: 'staging' });
  for (let i = 0; i < FLAGS; i++) {
    const key = `bench-flag-${i}`;
    await post(server, '/v1/flags', { key, type: 'operational', owner: 'bench', enabled: true, rolloutPercentage: 50 });
    await post(server, `/v1/environments/staging/flags/${key}/copy-from/production`, {});
  }
  for (const route of ['v1', 'staging'] as const) await load(server, route, 2); // warm-up

  const runs: Record<Route, Run[]> = { v1: [], staging: [] };
  const cpu = otherCpuLoad([server.child.pid!]);
  for (let run = 0; run < RUNS; run++) {
    for (const route of run % 2 === 0 ? (['v1', 'staging'] as const) : (['staging', 'v1'] as const)) {
      const result = await load(server, route, SECONDS);
      runs[route].push(result);
      console.log(
        `run ${run + 1} ${ROUTES[route].padEnd(36)} ${Math.round(result.reqPerSec).toLocaleString('en').padStart(7)} req/s, p99 ${result.p99} ms, server CPU ${result.cpuUs.toFixed(0)} µs/answer`,
      );
    }
  }
  console.log(`while timing: ${cpu()}`);
  for (const route of ['v1', 'staging'] as const)
    console.log(
      `${ROUTES[route].padEnd(36)} median ${Math.round(median(runs[route].map((r) => r.reqPerSec))).toLocaleString('en')} req/s, p99 ${median(runs[route].map((r) => r.p99))} ms, server CPU ${median(runs[route].map((r) => r.cpuUs)).toFixed(0)} µs/answer`,
    );
  const paired = runs.staging.map((r, i) => r.reqPerSec / runs.v1[i]!.reqPerSec);
  const ratio = median(paired);
  console.log(
    `environment ÷ v1 per back-to-back pair: ${paired.map((r) => `${(r * 100).toFixed(1)} %`).join(', ')}; median ${(ratio * 100).toFixed(1)} % (target ≥ 90 %: ${ratio >= 0.9 ? 'met' : 'NOT met'})`,
  );
} finally {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
}
