/**
 * Issue 13: the console's weight and speed. (1) The first page's bundle (the script and styles
 * index.html loads), gzipped, against the target of 250 kB; the chunks loaded later listed apart.
 * (2) The time from navigation to a rendered flags table of 1,000 flags in Chromium (signed in; the
 * page asks the API for the environments, every environment's flags and the stale report), against
 * the target of 1 s, beside the API's own answer time for those requests, measured in the same run.
 *
 *   npm run bench:console [-- <runs>]   (default 7; needs /usr/bin/chromium: bash .ci/chromium)
 */
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchChromium } from '../test/support/chromium.js';
import { auth, BENCH_TOKEN, machine, median, otherCpuLoad, startServer, type ServerProcess } from './support.js';

const RUNS = Number(process.argv[2] ?? 7);
const FLAGS = 1000;
const PORT = 3486;
const CONSOLE = 'dist/console';

function bundleReport(): void {
  const html = readFileSync(join(CONSOLE, 'index.html'), 'utf8');
  const first = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]!);
  const gz = (file: string) => gzipSync(readFileSync(join(CONSOLE, file))).length;
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
  const firstBytes = first.reduce((sum, file) => sum + gz(file), gzipSync(html).length);
  console.log(
    `first page (index.html + ${first.join(', ')}): ${kb(firstBytes)} gzipped (target ≤ 250 kB: ${firstBytes <= 250 * 1024 ? 'met' : 'NOT met'})`,
  );
  for (const file of readdirSync(join(CONSOLE, 'assets')))
    if (!first.includes(`assets/${file}`))
      console.log(`  loaded later: assets/${file} ${kb(gz(`assets/${file}`))} gzipped`);
}

async function seed(server: ServerProcess): Promise<void> {
  for (let i = 0; i < FLAGS; i++) {
    const res = await fetch(`${server.url}/v1/flags`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        key: `flag-${String(i).padStart(4, '0')}`,
        type: 'operational',
        owner: `team-${i % 12}`,
        enabled: i % 3 !== 0,
        rolloutPercentage: (i * 7) % 101,
      }),
    });
    if (res.status !== 201) throw new Error(`POST /v1/flags answered ${res.status}`);
  }
}

/** The requests the flags page makes, straight from Node: the API's part of the page's time. */
async function apiTime(server: ServerProcess): Promise<number> {
  const started = performance.now();
  await Promise.all(
    ['/v1/environments', '/v1/environments/production/flags?includeArchived=true', '/v1/flags/stale'].map(
      async (path) => {
        const res = await fetch(`${server.url}${path}`, { headers: auth });
        if (!res.ok) throw new Error(`GET ${path} answered ${res.status}`);
        await res.arrayBuffer();
      },
    ),
  );
  return performance.now() - started;
}

const dir = mkdtempSync(join(tmpdir(), 'flagledger-console-bench-'));
let server: ServerProcess | undefined;
const browser = await launchChromium();
try {
  console.log(`machine: ${machine()}; ${new Date().toISOString()}; Chromium ${browser.version()}`);
  bundleReport();
  server = await startServer(join(dir, 'flagledger.db'), PORT);
  await seed(server);
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.getByLabel('Token').fill(BENCH_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('row').nth(FLAGS).waitFor({ timeout: 30_000 });
  const cpu = otherCpuLoad([server.child.pid!]);
  const pageMs: number[] = [];
  const apiMs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    apiMs.push(await apiTime(server));
    const started = performance.now();
    await page.reload();
    await page.getByRole('row').nth(FLAGS).waitFor({ timeout: 30_000 });
    pageMs.push(performance.now() - started);
    console.log(
      `run ${run + 1}: page ${pageMs[run]!.toFixed(0)} ms to ${FLAGS} rendered rows; API ${apiMs[run]!.toFixed(0)} ms for the page's requests`,
    );
  }
  console.log(`while timing: ${cpu()}`);
  const pageMedian = median(pageMs);
  console.log(
    `time to a rendered table of ${FLAGS} flags: median ${pageMedian.toFixed(0)} ms (target ≤ 1,000 ms: ${pageMedian <= 1000 ? 'met' : 'NOT met'}); the API's answer to the same requests: median ${median(apiMs).toFixed(0)} ms`,
  );
} finally {
  await browser.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
}
