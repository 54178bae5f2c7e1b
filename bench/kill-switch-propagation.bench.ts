/**
 * Issue 4, item 6 (b): how long after a kill-switch command's 2xx the change is visible in every connected
 * SDK. 50 FlagledgerClient instances in this process follow the real server (a child process on a temp
 * database) over loopback; 200 flips, engage and release alternating. Per flip, t0 is when the command's
 * 2xx response arrives; each client's latency is the moment its 'changed' event for the command's seq
 * fired, minus t0. Baselines in the same run: the command's own HTTP round trip, and a POST /v1/evaluate
 * round trip (what a network call per evaluation would cost).
 *
 *   npm run bench:propagation [-- <clients> <flips>]     (defaults 50 clients, 200 flips)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlagledgerClient } from '../src/sdk/index.js';
import { auth, BENCH_TOKEN, machine, otherCpuLoad, percentile, startServer, type ServerProcess } from './support.js';

const CLIENTS = Number(process.argv[2] ?? 50);
const FLIPS = Number(process.argv[3] ?? 200);
const WARM_UP_FLIPS = 20;
const PORT = 3473;
const KEY = 'kill_switch_bench_flag';
const ARRIVAL_TIMEOUT_MS = 10_000;
const json = { ...auth, 'content-type': 'application/json' };

/** When each client's 'changed' event fired for each seq (performance.now(), ms), and how many have it. */
const arrivals = new Map<number, { times: number[]; count: number }>();
let waiting: { seq: number; resolve: () => void } | undefined;

function arrived(client: number, seq: number): void {
  const now = performance.now();
  let entry = arrivals.get(seq);
  if (entry === undefined) {
    entry = { times: new Array<number>(CLIENTS).fill(NaN), count: 0 };
    arrivals.set(seq, entry);
  }
  if (!Number.isNaN(entry.times[client]!)) return;
  entry.times[client] = now;
  entry.count++;
  if (waiting?.seq === seq && entry.count === CLIENTS) waiting.resolve();
}

function allArrived(seq: number): Promise<void> {
  if (arrivals.get(seq)?.count === CLIENTS) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(
            `seq ${seq}: only ${arrivals.get(seq)?.count ?? 0} of ${CLIENTS} clients saw it after ${ARRIVAL_TIMEOUT_MS} ms`,
          ),
        ),
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

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const ms = (value: number) => `${value.toFixed(2)} ms`;
const p50p99 = (values: number[]) => {
  const s = sorted(values);
  return `p50 ${ms(percentile(s, 50))}, p99 ${ms(percentile(s, 99))}, max ${ms(s[s.length - 1]!)}`;
};

const dir = mkdtempSync(join(tmpdir(), 'flagledger-bench-propagation-'));
let server: ServerProcess | undefined;
const clients: FlagledgerClient[] = [];
try {
  console.log(`machine: ${machine()}; ${new Date().toISOString()}`);
  console.log(
    `${CLIENTS} SDK clients in this process, ${FLIPS} kill-switch flips (engage/release alternating) after ${WARM_UP_FLIPS} warm-up flips`,
  );
  server = await startServer(join(dir, 'flagledger.db'), PORT);
  const created = await fetch(`${server.url}/v1/flags`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({
      key: KEY,
      type: 'operational',
      owner: 'bench',
      enabled: true,
      rolloutPercentage: 100,
      reason: 'propagation bench',
    }),
  });
  if (created.status !== 201) throw new Error(`POST /v1/flags answered ${created.status}: ${await created.text()}`);

  let clientErrors = 0;
  for (let c = 0; c < CLIENTS; c++) {
    const client = await FlagledgerClient.start({ url: server.url, token: BENCH_TOKEN });
    client.on('error', (error) => {
      clientErrors++;
      console.error(`client ${c}: ${error.message}`);
    });
    client.on('changed', ({ key, seq }) => {
      if (key === KEY) arrived(c, seq);
    });
    clients.push(client);
  }
  // Every stream open (its snapshot received) before the first flip.
  for (let waited = 0; !clients.every((client) => client.connected); waited += 10) {
    if (waited > ARRIVAL_TIMEOUT_MS) throw new Error('not every client connected its stream');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }

  const allClients: number[] = [];
  const firstClient: number[] = [];
  const everyClient: number[] = [];
  const commandRtt: number[] = [];
  const evaluateRtt: number[] = [];
  let early = 0;
  let load: () => string = () => '';
  let wrongAnswers = 0;
  for (let flip = 0; flip < WARM_UP_FLIPS + FLIPS; flip++) {
    if (flip === WARM_UP_FLIPS) load = otherCpuLoad([server.child.pid!]);
    const engage = flip % 2 === 0;
    const sent = performance.now();
    const response = await fetch(`${server.url}/v1/flags/${KEY}/kill-switch/${engage ? 'engage' : 'release'}`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ reason: `bench flip ${flip}` }),
    });
    const t0 = performance.now();
    const body = (await response.json()) as { event: { seq: number } | null };
    if (response.status !== 200 || body.event === null)
      throw new Error(`flip ${flip} answered ${response.status}: ${JSON.stringify(body)}`);
    const seq = body.event.seq;
    await allArrived(seq);
    const times = arrivals.get(seq)!.times;
    arrivals.delete(seq);
    for (const client of clients) if (client.isEnabled(KEY, { userId: 'u' }) !== !engage) wrongAnswers++;

    const evaluateSent = performance.now();
    const evaluated = await fetch(`${server.url}/v1/evaluate`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ flagKey: KEY, context: { userId: 'user-42' } }),
    });
    const evaluatedBody = (await evaluated.json()) as { enabled: boolean };
    const evaluateMs = performance.now() - evaluateSent;
    if (evaluated.status !== 200 || evaluatedBody.enabled !== !engage)
      throw new Error(`evaluate after flip ${flip}: ${evaluated.status} ${JSON.stringify(evaluatedBody)}`);

    if (flip < WARM_UP_FLIPS) continue;
    commandRtt.push(t0 - sent);
    evaluateRtt.push(evaluateMs);
    let slowest = 0;
    let fastest = Infinity;
    for (const time of times) {
      const latency = time - t0;
      if (latency < 0) early++;
      const clamped = Math.max(0, latency);
      everyClient.push(clamped);
      slowest = Math.max(slowest, clamped);
      fastest = Math.min(fastest, clamped);
    }
    allClients.push(slowest);
    firstClient.push(fastest);
  }

  console.log(`while measuring: ${load()}`);
  const p99All = percentile(sorted(allClients), 99);
  console.log(
    `until ALL ${CLIENTS} clients see it (max per flip, ${allClients.length} flips): ${p50p99(allClients)} (target p99 ≤ 50 ms: ${p99All <= 50 ? 'met' : 'NOT met'})`,
  );
  console.log(`until the FIRST client sees it (min per flip): ${p50p99(firstClient)}`);
  console.log(`each client (${everyClient.length.toLocaleString('en')} latencies): ${p50p99(everyClient)}`);
  console.log(
    `clients that saw the change before the 2xx arrived: ${early.toLocaleString('en')} of ${everyClient.length.toLocaleString('en')} (${((early / everyClient.length) * 100).toFixed(1)} %), counted as 0 ms`,
  );
  console.log(`baseline: the kill-switch command's HTTP round trip ${p50p99(commandRtt)}`);
  console.log(
    `baseline: POST /v1/evaluate round trip ${p50p99(evaluateRtt)} (every evaluation, were it a network call)`,
  );
  console.log(
    `checks: ${wrongAnswers} wrong isEnabled answers after a flip was seen; ${clientErrors} client stream errors (each would be a reconnect)`,
  );
} finally {
  await Promise.all(clients.map((client) => client.close()));
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
}
