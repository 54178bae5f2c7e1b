import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { auth, machine, median, otherCpuLoad, processJiffies, startServer, type ServerProcess } from './support.js';

/** One way of asking for an evaluation: a route, and the Authorization header it is asked with. */
export interface EvaluateVariant {
  label: string;
  path: string;
  authorization: string;
}

const FLAGS = 10;
const USERS = 10_000;
const bodies = Array.from({ length: USERS }, (_, i) =>
  JSON.stringify({ flagKey: `bench-flag-${i % FLAGS}`, context: { userId: `user-${i}` } }),
);

export async function post(server: ServerProcess, path: string, body: object): Promise<unknown> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${path} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

interface Run {
  reqPerSec: number;
  p99: number;
  cpuUs: number;
}

async function load(
  server: ServerProcess,
  variant: EvaluateVariant,
  seconds: number,
  connections: number,
): Promise<Run> {
  const pid = server.child.pid!;
  const cpuBefore = processJiffies(pid);
  let next = 0;
  const result = await autocannon({
    url: `${server.url}${variant.path}`,
    connections,
    duration: seconds,
    method: 'POST',
    headers: { authorization: variant.authorization, 'content-type': 'application/json' },
    requests: [{ setupRequest: (request) => ({ ...request, body: bodies[next++ % USERS]! }) }],
  });
  if (result.errors > 0 || result.non2xx > 0)
    throw new Error(`${variant.label}: ${result.errors} errors, ${result.non2xx} non-2xx answers`);
  const cpuUs = ((processJiffies(pid) - cpuBefore) * 10_000) / result['2xx'];
  return { reqPerSec: result.requests.average, p99: result.latency.p99, cpuUs };
}

/**
 * Two ways of asking the same real server (dist/main.js on a temp database, 10 operational flags at 50 %)
 * for evaluations of the same 10,000 bodies, timed in turn (A B B A …) with autocannon. The figure is
 * the median of the back-to-back pairs' ratios, B ÷ A, against `target`.
 */
export async function compareEvaluatePairs(options: {
  port: number;
  /** Creates what B needs beyond the flags (created first) and answers both variants. */
  setup: (server: ServerProcess) => Promise<[EvaluateVariant, EvaluateVariant]>;
  target: number;
}): Promise<void> {
  const seconds = Number(process.argv[2] ?? 5);
  const runsPerVariant = Number(process.argv[3] ?? 8);
  const connections = Number(process.argv[4] ?? 50);
  const dir = mkdtempSync(join(tmpdir(), 'flagledger-evaluate-pairs-'));
  let server: ServerProcess | undefined;
  try {
    console.log(`machine: ${machine()}; ${new Date().toISOString()}`);
    console.log(
      `autocannon: ${connections} connections, ${seconds} s per run, ${runsPerVariant} runs each, alternating`,
    );
    server = await startServer(join(dir, 'flagledger.db'), options.port);
    for (let i = 0; i < FLAGS; i++)
      await post(server, '/v1/flags', {
        key: `bench-flag-${i}`,
        type: 'operational',
        owner: 'bench',
        enabled: true,
        rolloutPercentage: 50,
      });
    const [a, b] = await options.setup(server);
    for (const variant of [a, b]) await load(server, variant, 2, connections); // warm-up
    const runs = new Map<EvaluateVariant, Run[]>([
      [a, []],
      [b, []],
    ]);
    const cpu = otherCpuLoad([server.child.pid!]);
    for (let run = 0; run < runsPerVariant; run++) {
      for (const variant of run % 2 === 0 ? [a, b] : [b, a]) {
        const result = await load(server, variant, seconds, connections);
        runs.get(variant)!.push(result);
        console.log(
          `run ${run + 1} ${variant.label.padEnd(40)} ${Math.round(result.reqPerSec).toLocaleString('en').padStart(7)} req/s, p99 ${result.p99} ms, server CPU ${result.cpuUs.toFixed(0)} µs/answer`,
        );
      }
    }
    console.log(`while timing: ${cpu()}`);
    for (const variant of [a, b]) {
      const r = runs.get(variant)!;
      console.log(
        `${variant.label.padEnd(40)} median ${Math.round(median(r.map((x) => x.reqPerSec))).toLocaleString('en')} req/s, p99 ${median(r.map((x) => x.p99))} ms, server CPU ${median(r.map((x) => x.cpuUs)).toFixed(0)} µs/answer`,
      );
    }
    const paired = runs.get(b)!.map((r, i) => r.reqPerSec / runs.get(a)![i]!.reqPerSec);
    const ratio = median(paired);
    console.log(
      `${b.label} ÷ ${a.label} per back-to-back pair: ${paired.map((r) => `${(r * 100).toFixed(1)} %`).join(', ')}; median ${(ratio * 100).toFixed(1)} % (target ≥ ${options.target * 100} %: ${ratio >= options.target ? 'met' : 'NOT met'})`,
    );
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
