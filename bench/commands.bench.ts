/**
 * Issue 6: audited commands per second over HTTP with synchronous=FULL, 50 concurrent clients (target ≥
 * 1,000/s), against the ceiling of the disk: a raw better-sqlite3 loop committing one row per transaction
 * with the same pragmas (WAL, synchronous=FULL) in the same directory, measured in the same run.
 *
 * Every command is a real change (each client toggles its own flag), so each 2xx is one appended,
 * hash-chained event with its projections, fsynced before the answer.
 *
 *   npm run bench:commands [-- <seconds per run> <runs>]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  auth,
  machine,
  otherCpuLoad,
  percentile,
  processJiffies,
  rawSqliteCommitsPerSecond,
  startServer,
} from './support.js';

const SECONDS = Number(process.argv[2] ?? 10);
const RUNS = Number(process.argv[3] ?? 3);
const CLIENTS = 50;
const PORT = 3482;

const dir = mkdtempSync(join(tmpdir(), 'flagledger-commands-bench-'));

function send(agent: Agent, method: string, path: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: PORT,
        path,
        method,
        agent,
        headers: { ...auth, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

interface CommandRun {
  perSecond: number;
  /** The server's CPU time (user + system) per command: less sensitive to a busy machine than the rate. */
  serverCpuMs: number;
  p50: number;
  p99: number;
}

/** CLIENTS clients, one command in flight each, each toggling its own flag for `seconds`. */
async function commands(run: number, seconds: number, serverPid: number): Promise<CommandRun> {
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  const latencies: number[] = [];
  const flag = (client: number) => `bench-r${run}-c${client}`;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      const body = JSON.stringify({ key: flag(client), type: 'operational', owner: 'bench', enabled: false });
      const status = await send(agent, 'POST', '/v1/flags', body);
      if (status !== 201) throw new Error(`create answered ${status}`);
    }),
  );
  const jiffiesBefore = processJiffies(serverPid);
  const deadline = performance.now() + seconds * 1000;
  let failed = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const started = performance.now();
        const status = await send(
          agent,
          'POST',
          `/v1/flags/${flag(client)}/${i % 2 === 0 ? 'enable' : 'disable'}`,
          '{"reason":"bench"}',
        );
        if (status === 200) latencies.push(performance.now() - started);
        else failed++;
      }
    }),
  );
  const serverCpuMs = ((processJiffies(serverPid) - jiffiesBefore) * 10) / latencies.length; // 100 jiffies/s
  agent.destroy();
  if (failed > 0) throw new Error(`${failed} commands failed`);
  latencies.sort((a, b) => a - b);
  return {
    perSecond: latencies.length / seconds,
    serverCpuMs,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

try {
  console.log(
    `machine: ${machine()}; ${new Date().toISOString()}; ${RUNS} runs × ${SECONDS} s, ${CLIENTS} concurrent clients, synchronous=FULL`,
  );
  const server = await startServer(join(dir, 'flagledger.db'), PORT, { FLAGLEDGER_SYNC: 'full' });
  const rows: string[] = [];
  try {
    const pid = server.child.pid!;
    await commands(-1, 2, pid); // warm-up
    for (let run = 0; run < RUNS; run++) {
      const load = otherCpuLoad([pid]);
      const raw = rawSqliteCommitsPerSecond(join(dir, 'raw.db'), Math.min(SECONDS, 5));
      const http = await commands(run, SECONDS, pid);
      const line = `run ${run + 1}: ${http.perSecond.toFixed(0)} commands/s, server CPU ${http.serverCpuMs.toFixed(2)} ms/command (p50 ${http.p50.toFixed(1)} ms, p99 ${http.p99.toFixed(1)} ms) vs raw single-row commits ${raw.toFixed(0)}/s = ${((http.perSecond / raw) * 100).toFixed(0)} % of the raw ceiling; ${load()}`;
      console.log(line);
      rows.push(line);
    }
  } finally {
    await server.stop();
  }
  const rates = rows.map((r) => Number(/: (\d+) commands/.exec(r)![1])).sort((a, b) => a - b);
  const median = rates[Math.floor(rates.length / 2)]!;
  console.log(`median ${median} audited commands/s; target ≥ 1,000/s: ${median >= 1000 ? 'met' : 'MISSED'}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
