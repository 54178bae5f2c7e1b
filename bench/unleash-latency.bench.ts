/**
 * Issue 16: how long a kill switch takes to reach an Unleash SDK. The real npm `unleash-client` runs in
 * this process (in-memory storage, no metrics, the token raw in Authorization) against the real server
 * (dist/main.js, a child process on a temp database); per flip, engage and release alternating, the clock
 * starts just before the command (POST /v1/flags/:key/kill-switch/engage|release) is sent and stops at
 * the SDK's `changed` event (UnleashEvents.Changed) after which isEnabled gives the new answer.
 *
 * - Streaming (`experimentalMode: { type: 'streaming' }`, GET /api/client/streaming): the change is
 *   pushed, so the figure is the command's commit plus one SSE event.
 * - Polling at each refresh interval given (`refreshInterval`, full format, If-None-Match with the ETag it
 *   holds): the change waits for the next poll. Each flip is sent after a random pause in [0, interval),
 *   so commands fall at random moments of the poll cycle, as real ones do; the latency should then be
 *   about uniform in [0, interval] plus one poll's round trip (mean ≈ interval / 2), which the quartiles
 *   printed against the interval show. Flipping at once after each change would instead land every
 *   command just after a poll, and measure the whole interval each time.
 *
 *   npm run bench:unleash-latency [-- <flips> <polling intervals, ms, comma-separated>]
 *       defaults 50 flips per mode, polling at 1000 and 5000 ms (≈ 6 min; Unleash's default is 15,000 ms,
 *       whose 50 flips alone would take ≈ 25 min: give it as an interval to measure it)
 *   npm run bench:unleash-latency -- 10 500   a short validation of both modes
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemStorageProvider, Unleash, UnleashEvents, type UnleashConfig } from 'unleash-client';
import { post } from './evaluate-pairs.js';
import { auth, BENCH_TOKEN, machine, otherCpuLoad, percentile, startServer, type ServerProcess } from './support.js';

const FLIPS = Number(process.argv[2] ?? 50);
const POLLING_INTERVALS = (process.argv[3] ?? '1000,5000').split(',').map(Number);
const WARM_UP_FLIPS = 2;
const PORT = 3489;
const KEY = 'unleash_latency_bench_flag';
const CONTEXT = { userId: 'user-42' };
const NEVER_POLLS_MS = 60 * 60_000;

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const ms = (value: number) => `${value.toFixed(1)} ms`;
const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** The real SDK against the server, as test/support/unleash-sdk.ts connects it; resolves once synchronized. */
async function connect(server: ServerProcess, appName: string, options: Partial<UnleashConfig>): Promise<Unleash> {
  const client = new Unleash({
    url: `${server.url}/api/`,
    appName,
    customHeaders: { Authorization: BENCH_TOKEN },
    disableMetrics: true,
    storageProvider: new InMemStorageProvider(),
    skipInstanceCountWarning: true,
    ...options,
  });
  client.on(UnleashEvents.Error, (error: Error) => console.error(`${appName}: ${error.message}`));
  client.on(UnleashEvents.Warn, () => undefined);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${appName} did not synchronize within 10 s`)), 10_000);
    client.once(UnleashEvents.Synchronized, () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return client;
}

/** Resolves with performance.now() at the first `changed` event after which the SDK answers `enabled`. */
function changedTo(client: Unleash, enabled: boolean, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onChanged = (): void => {
      const at = performance.now();
      if (client.isEnabled(KEY, CONTEXT) !== enabled) return;
      clearTimeout(timer);
      client.off(UnleashEvents.Changed, onChanged);
      resolve(at);
    };
    const timer = setTimeout(() => {
      client.off(UnleashEvents.Changed, onChanged);
      reject(new Error(`no changed event to enabled=${enabled} within ${timeoutMs} ms`));
    }, timeoutMs);
    client.on(UnleashEvents.Changed, onChanged);
  });
}

/** FLIPS kill-switch flips after WARM_UP_FLIPS, each timed from just before the command to the SDK's change. */
async function measure(
  server: ServerProcess,
  label: string,
  options: Partial<UnleashConfig>,
  pauseMs: () => number,
  timeoutMs: number,
): Promise<void> {
  const client = await connect(server, `flagledger-bench-${label.replace(/\W+/g, '-')}`, options);
  try {
    if (!client.isEnabled(KEY, CONTEXT)) throw new Error(`${label}: ${KEY} is off before the first flip`);
    const latencies: number[] = [];
    const commandRtt: number[] = [];
    let load: () => string = () => '';
    for (let flip = 0; flip < WARM_UP_FLIPS + FLIPS; flip++) {
      if (flip === WARM_UP_FLIPS) load = otherCpuLoad([server.child.pid!]);
      await sleep(pauseMs());
      const engage = flip % 2 === 0;
      const changed = changedTo(client, !engage, timeoutMs);
      const sent = performance.now();
      const response = await fetch(`${server.url}/v1/flags/${KEY}/kill-switch/${engage ? 'engage' : 'release'}`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ reason: `bench flip ${flip}` }),
      });
      const answered = performance.now();
      const body = (await response.json()) as { event: { seq: number } | null };
      if (response.status !== 200 || body.event === null)
        throw new Error(`flip ${flip} answered ${response.status}: ${JSON.stringify(body)}`);
      const at = await changed;
      if (flip < WARM_UP_FLIPS) continue;
      latencies.push(at - sent);
      commandRtt.push(answered - sent);
    }
    const s = sorted(latencies);
    const mean = latencies.reduce((sum, x) => sum + x, 0) / latencies.length;
    const r = sorted(commandRtt);
    console.log(`\n${label}: ${FLIPS} flips; while measuring: ${load()}`);
    console.log(
      `  command sent → SDK changed: p50 ${ms(percentile(s, 50))}, p99 ${ms(percentile(s, 99))}, min ${ms(s[0]!)}, max ${ms(s[s.length - 1]!)}, mean ${ms(mean)}`,
    );
    const interval = options.experimentalMode?.type === 'streaming' ? undefined : options.refreshInterval;
    if (interval !== undefined)
      console.log(
        `  against the ${interval} ms interval: p25 ${(percentile(s, 25) / interval).toFixed(2)}, p50 ${(percentile(s, 50) / interval).toFixed(2)}, p75 ${(percentile(s, 75) / interval).toFixed(2)}, mean ${(mean / interval).toFixed(2)} × interval (uniform in [0, interval]: 0.25, 0.50, 0.75, 0.50)`,
      );
    console.log(`  baseline: the command's own round trip p50 ${ms(percentile(r, 50))}, p99 ${ms(percentile(r, 99))}`);
  } finally {
    client.destroy();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'flagledger-bench-unleash-latency-'));
let server: ServerProcess | undefined;
try {
  console.log(`machine: ${machine()}; ${new Date().toISOString()}`);
  console.log(
    `unleash-client in this process, ${FLIPS} kill-switch flips per mode (engage/release alternating) after ${WARM_UP_FLIPS} warm-up flips; streaming, then polling every ${POLLING_INTERVALS.join(', ')} ms`,
  );
  server = await startServer(join(dir, 'flagledger.db'), PORT);
  await post(server, '/v1/flags', { key: KEY, type: 'operational', owner: 'bench', enabled: true });

  // A short random pause between flips in streaming mode too, so no flip rides on the previous one's event.
  await measure(
    server,
    'streaming',
    { refreshInterval: NEVER_POLLS_MS, experimentalMode: { type: 'streaming' } },
    () => 10 + Math.random() * 40,
    5_000,
  );
  for (const interval of POLLING_INTERVALS)
    await measure(
      server,
      `polling every ${interval} ms`,
      { refreshInterval: interval, experimentalMode: { type: 'polling', format: 'full' } },
      () => Math.random() * interval,
      3 * interval + 5_000,
    );
} finally {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
}
