/**
 * Issue 6: POST /v1/evaluate throughput of the real server (dist/main.js, a child process on a temp
 * database, 10 flags at 50 %) against a bare Express 5 JSON endpoint (bench/bare-express.server.ts) started
 * the same way. autocannon drives each with the same connections, duration and pipelining; runs alternate
 * (A B B A …) and the figure is the median of the back-to-back pairs' ratios. Runs are short because this
 * VM switches between a fast and a slow CPU speed for several seconds at a time: a short pair mostly lands
 * in one phase, a long one more often straddles them. Target: Flagledger ≥ 70 % of the bare endpoint's req/s.
 *
 *   npm run bench:evaluate [-- <seconds per run> <runs per target> <connections>]   (defaults 5 × 8, 50)
 *   BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=prof" profiles the server (written when it stops).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import {
  auth,
  machine,
  median,
  otherCpuLoad,
  processJiffies,
  startProcess,
  startServer,
  type ServerProcess,
} from './support.js';

const SECONDS = Number(process.argv[2] ?? 5);
const RUNS = Number(process.argv[3] ?? 8);
const CONNECTIONS = Number(process.argv[4] ?? 50);
const PIPELINING = 1;
const FLAGS = 10;
const USERS = 10_000;
const PORTS = { flagledger: 3483, express: 3484 } as const;
type Target = keyof typeof PORTS;

// Every request asks about one of 10 flags for one of 10,000 users, the same sequence for both targets.
const bodies = Array.from({ length: USERS }, (_, i) =>
  JSON.stringify({ flagKey: `bench-flag-${i % FLAGS}`, context: { userId: `user-${i}` } }),
);

interface Run {
  reqPerSec: number;
  p99: number;
  responses: number;
  /** The server's own CPU time per answer (user + system), µs: steadier than req/s when the cores are shared. */
  cpuUs: number;
}

async function load(server: ServerProcess, seconds: number): Promise<Run> {
  const { url } = server;
  const pid = server.child.pid!;
  const cpuBefore = processJiffies(pid);
  let next = 0;
  const result = await autocannon({
    url: `${url}/v1/evaluate`,
    connections: CONNECTIONS,
    pipelining: PIPELINING,
    duration: seconds,
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    requests: [{ setupRequest: (request) => ({ ...request, body: bodies[next++ % USERS]! }) }],
  });
  if (result.errors > 0 || result.non2xx > 0)
    throw new Error(`${url}: ${result.errors} errors, ${result.non2xx} non-2xx answers`);
  const cpuUs = ((processJiffies(pid) - cpuBefore) * 10_000) / result['2xx'];
  return { reqPerSec: result.requests.average, p99: result.latency.p99, responses: result['2xx'], cpuUs };
}

const dir = mkdtempSync(join(tmpdir(), 'flagledger-evaluate-bench-'));
const servers: Partial<Record<Target, ServerProcess>> = {};
try {
  console.log(`machine: ${machine()}; ${new Date().toISOString()}`);
  console.log(
    `autocannon: ${CONNECTIONS} connections, pipelining ${PIPELINING}, ${SECONDS} s per run, ${RUNS} runs per target, alternating`,
  );
  servers.flagledger = await startServer(join(dir, 'flagledger.db'), PORTS.flagledger);
  servers.express = await startProcess('dist-bench/bench/bare-express.server.js', PORTS.express);
  for (let i = 0; i < FLAGS; i++) {
    const created = await fetch(`${servers.flagledger.url}/v1/flags`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        key: `bench-flag-${i}`,
        type: 'operational',
        owner: 'bench',
        enabled: true,
        rolloutPercentage: 50,
      }),
    });
    if (created.status !== 201) throw new Error(`POST /v1/flags answered ${created.status}: ${await created.text()}`);
  }
  for (const target of ['flagledger', 'express'] as const) {
    const answer = await fetch(`${servers[target]!.url}/v1/evaluate`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: bodies[1],
    });
    const text = await answer.text();
    console.log(`${target}: ${answer.status} ${text} (${text.length} bytes of body)`);
    await load(servers[target]!, 2); // warm-up: both reach optimised code before anything is timed
  }

  const runs: Record<Target, Run[]> = { flagledger: [], express: [] };
  const cpu = otherCpuLoad([servers.flagledger.child.pid!, servers.express.child.pid!]);
  for (let run = 0; run < RUNS; run++) {
    for (const target of run % 2 === 0 ? (['express', 'flagledger'] as const) : (['flagledger', 'express'] as const)) {
      const result = await load(servers[target]!, SECONDS);
      runs[target].push(result);
      console.log(
        `run ${run + 1} ${target.padEnd(10)} ${Math.round(result.reqPerSec).toLocaleString('en').padStart(7)} req/s, p99 ${result.p99} ms, server CPU ${result.cpuUs.toFixed(0)} µs/answer (${result.responses.toLocaleString('en')} answers)`,
      );
    }
  }
  console.log(`while timing: ${cpu()}`);

  const rate = (target: Target) => median(runs[target].map((r) => r.reqPerSec));
  const p99 = (target: Target) => median(runs[target].map((r) => r.p99));
  const cpuUs = (target: Target) => median(runs[target].map((r) => r.cpuUs));
  const paired = runs.flagledger.map((r, i) => r.reqPerSec / runs.express[i]!.reqPerSec);
  console.log(
    `flagledger POST /v1/evaluate: median ${Math.round(rate('flagledger')).toLocaleString('en')} req/s, p99 ${p99('flagledger')} ms, server CPU ${cpuUs('flagledger').toFixed(0)} µs/answer; RSS ${servers.flagledger.rssMb()} MiB`,
  );
  console.log(
    `bare Express JSON endpoint:   median ${Math.round(rate('express')).toLocaleString('en')} req/s, p99 ${p99('express')} ms, server CPU ${cpuUs('express').toFixed(0)} µs/answer; RSS ${servers.express.rssMb()} MiB`,
  );
  const ratio = median(paired);
  console.log(
    `flagledger ÷ express per back-to-back pair: ${paired.map((r) => `${(r * 100).toFixed(1)} %`).join(', ')}; median ${(ratio * 100).toFixed(1)} % ` +
      `(ratio of medians ${((rate('flagledger') / rate('express')) * 100).toFixed(1)} %; target ≥ 70 %: ${ratio >= 0.7 ? 'met' : 'NOT met'})`,
  );
  // If the server were the only thing limiting throughput, this is the share it would reach.
  console.log(
    `server CPU per answer, express ÷ flagledger: ${((cpuUs('express') / cpuUs('flagledger')) * 100).toFixed(1)} %`,
  );
} finally {
  await Promise.all(Object.values(servers).map((server) => server.stop()));
  rmSync(dir, { recursive: true, force: true });
}
