/**
 * Issue 5: evaluation throughput with telemetry on within 10 % of telemetry off. The real server (child
 * process) answers POST /v1/evaluate under concurrent keep-alive load, once with FLAGLEDGER_TELEMETRY=on
 * and once off, alternating runs so drift on this noisy VM hits both alike.
 *
 *   npm run bench:telemetry [-- <seconds per run> <runs per mode>]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auth, machine, startServer, type ServerProcess } from './support.js';

const SECONDS = Number(process.argv[2] ?? 8);
const RUNS = Number(process.argv[3] ?? 3);
const CONCURRENCY = 32;
const PORT = 3481;

const dir = mkdtempSync(join(tmpdir(), 'flagledger-telemetry-bench-'));

function post(agent: Agent, path: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: PORT,
        path,
        method: 'POST',
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

/** Evaluations per second over `seconds`, CONCURRENCY requests in flight, distinct users and 20 flags. */
async function throughput(seconds: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const body = JSON.stringify({ flagKey: `bench-flag-${i % 20}`, context: { userId: `user-${worker}-${i}` } });
        if ((await post(agent, '/v1/evaluate', body)) === 200) done++;
        else failed++;
      }
    }),
  );
  agent.destroy();
  if (failed > 0) throw new Error(`${failed} evaluations failed`);
  return done / seconds;
}

async function withServer<T>(telemetry: 'on' | 'off', work: (server: ServerProcess) => Promise<T>): Promise<T> {
  const server = await startServer(join(dir, 'flagledger.db'), PORT, { FLAGLEDGER_TELEMETRY: telemetry });
  try {
    return await work(server);
  } finally {
    await server.stop();
  }
}

try {
  console.log(
    `machine: ${machine()}; ${new Date().toISOString()}; ${RUNS} runs × ${SECONDS} s per mode, ${CONCURRENCY} concurrent keep-alive requests`,
  );
  await withServer('on', async (server) => {
    for (let i = 0; i < 20; i++) {
      const body = JSON.stringify({
        key: `bench-flag-${i}`,
        type: 'operational',
        owner: 'bench',
        enabled: true,
        rolloutPercentage: 50,
      });
      const status = await post(new Agent(), '/v1/flags', body);
      if (status !== 201 && status !== 409) throw new Error(`create answered ${status}`);
    }
    return server;
  });
  const results: Record<'on' | 'off', number[]> = { on: [], off: [] };
  for (let run = 0; run < RUNS; run++) {
    for (const mode of run % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
      const rate = await withServer(mode, async () => {
        await throughput(1); // warm-up
        return throughput(SECONDS);
      });
      results[mode].push(rate);
      console.log(`run ${run + 1}, telemetry ${mode}: ${Math.round(rate).toLocaleString('en')} evaluations/s`);
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const on = median(results.on);
  const off = median(results.off);
  // Each run's on and off ran back to back, so their ratio cancels the VM's slower drift.
  const paired = results.on.map((rate, i) => rate / results.off[i]!);
  console.log(
    `median: telemetry on ${Math.round(on).toLocaleString('en')}/s, off ${Math.round(off).toLocaleString('en')}/s (${((on / off) * 100).toFixed(1)} %)`,
  );
  console.log(
    `on ÷ off per run: ${paired.map((r) => `${(r * 100).toFixed(1)} %`).join(', ')}; median ${(median(paired) * 100).toFixed(1)} % (target ≥ 90 %)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
