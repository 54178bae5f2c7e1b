/**
 * Issue 3's figures on a log of 1,000,000 events (10 flags × 100,000 events each): start-up with and
 * without catch-up, rebuild, export throughput and the server's peak RSS, verify, and asOf latency on a
 * flag with 100,000 events. Each figure is printed beside a baseline measured in the same run.
 *
 *   npm run bench:history [-- <events> <flags>]
 */
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { EventTable } from '../src/event-store/event.table.js';
import { auth, fmt, machine, otherCpuLoad, percentile, processJiffies, seedLog, startServer } from './support.js';

const EVENTS = Number(process.argv[2] ?? 1_000_000);
const FLAGS = Number(process.argv[3] ?? 10);
const PORT = 3471;

const dir = mkdtempSync(join(tmpdir(), 'flagledger-bench-'));
const dbPath = join(dir, 'flagledger.db');
const lines: string[] = [];
const report = (text: string) => {
  lines.push(text);
  console.log(text);
};

try {
  report(`machine: ${machine()}; ${new Date().toISOString()}`);
  let t = performance.now();
  const head = await seedLog(dbPath, EVENTS, FLAGS);
  report(
    `seeded ${EVENTS.toLocaleString('en')} events over ${FLAGS} flags in ${fmt(performance.now() - t)} (head seq ${head.seq})`,
  );

  // Baselines from the raw file: the floor for reading and for hashing every event.
  const raw = new BetterSqlite3(dbPath, { readonly: true });
  t = performance.now();
  let bytes = 0;
  for (const row of raw.prepare('SELECT * FROM events ORDER BY seq').iterate() as IterableIterator<EventTable>)
    bytes += JSON.stringify(row).length;
  const rawReadMs = performance.now() - t;
  t = performance.now();
  for (const row of raw
    .prepare('SELECT prev_hash, data FROM events ORDER BY seq')
    .iterate() as IterableIterator<EventTable>) {
    createHash('sha256')
      .update(row.prev_hash + row.data)
      .digest('hex');
  }
  const rawHashMs = performance.now() - t;
  raw.close();
  report(
    `baseline: raw SELECT * + JSON.stringify of every row ${fmt(rawReadMs)} (${Math.round(bytes / 2 ** 20)} MiB); raw sha256 of every row ${fmt(rawHashMs)}`,
  );

  // First start: the projections catch up over the whole seeded log. The server's pid joins the load
  // meter's own once known: its CPU time so far is all since spawn, so it is not counted as other load.
  const serverPids: number[] = [];
  let load = otherCpuLoad(serverPids);
  let server = await startServer(dbPath, PORT);
  serverPids.push(server.child.pid!);
  report(
    `first start, catching up ${EVENTS.toLocaleString('en')} events: ${fmt(server.startMs)}, server CPU ${fmt(processJiffies(server.child.pid!) * 10)}, peak RSS ${server.peakRssMb()} MiB (${load()})`,
  );
  await server.stop();
  server = await startServer(dbPath, PORT);
  report(
    `start with ${EVENTS.toLocaleString('en')} events, projections current: ${fmt(server.startMs)} (target ≤ 2 s), RSS ${server.rssMb()} MiB`,
  );

  // Server CPU time beside the wall time: on a shared machine it moves far less with the other processes' load.
  // Twice, since one figure on a shared machine says little: the second also shows a rebuild over tables a rebuild swapped in.
  for (const run of [1, 2]) {
    load = otherCpuLoad([server.child.pid!]);
    const cpuBefore = processJiffies(server.child.pid!);
    t = performance.now();
    const rebuild = await fetch(`${server.url}/v1/admin/projections/rebuild`, { method: 'POST', headers: auth });
    const rebuildMs = performance.now() - t;
    const cpuMs = (processJiffies(server.child.pid!) - cpuBefore) * 10;
    report(
      `rebuild ${run}: ${fmt(rebuildMs)} (target ≤ 10 s; ${(rebuildMs / rawReadMs).toFixed(1)}× the raw read) ${rebuild.status}, server CPU ${fmt(cpuMs)}, peak RSS ${server.peakRssMb()} MiB (${load()})`,
    );
  }

  // A fresh server, so the peak RSS below is the export's, not the rebuild's.
  await server.stop();
  server = await startServer(dbPath, PORT);
  const rssBeforeExport = server.peakRssMb();
  t = performance.now();
  const exported = await fetch(`${server.url}/v1/export?format=ndjson`, { headers: auth });
  let exportBytes = 0;
  let exportLines = 0;
  for await (const chunk of exported.body as unknown as AsyncIterable<Uint8Array>) {
    exportBytes += chunk.length;
    for (const byte of chunk) if (byte === 10) exportLines++;
  }
  const exportMs = performance.now() - t;
  report(
    `export NDJSON: ${exportLines - 1} rows, ${Math.round(exportBytes / 2 ** 20)} MiB in ${fmt(exportMs)} = ${Math.round(((exportLines - 1) / exportMs) * 1000).toLocaleString('en')} rows/s, ` +
      `${(exportBytes / 2 ** 20 / (exportMs / 1000)).toFixed(1)} MiB/s (${(exportMs / rawReadMs).toFixed(1)}× the raw read); server peak RSS ${server.peakRssMb()} MiB (${rssBeforeExport} MiB before it; target ≤ 200 MB)`,
  );

  t = performance.now();
  const verified = (await (await fetch(`${server.url}/v1/audit/verify`, { headers: auth })).json()) as {
    ok: boolean;
    events: number;
  };
  const verifyMs = performance.now() - t;
  report(
    `verify: ok=${verified.ok} over ${verified.events} events in ${fmt(verifyMs)} (${(verifyMs / rawHashMs).toFixed(1)}× the raw hashing)`,
  );

  // asOf on a flag with EVENTS / FLAGS events, at random instants over its history.
  const keys = (await (await fetch(`${server.url}/v1/flags`, { headers: auth })).json()) as {
    flags: { key: string; version: number }[];
  };
  const hot = keys.flags.reduce((a, b) => (b.version > a.version ? b : a));
  const spanMs = EVENTS * 1000;
  const asOf: number[] = [];
  const live: number[] = [];
  let seed = 7;
  for (let i = 0; i < 200; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const at = new Date(Date.parse('2025-01-01T00:00:00.000Z') + (seed % spanMs)).toISOString();
    t = performance.now();
    await (await fetch(`${server.url}/v1/flags/${hot.key}?asOf=${at}`, { headers: auth })).arrayBuffer();
    asOf.push(performance.now() - t);
    t = performance.now();
    await (await fetch(`${server.url}/v1/flags/${hot.key}`, { headers: auth })).arrayBuffer();
    live.push(performance.now() - t);
  }
  asOf.sort((a, b) => a - b);
  live.sort((a, b) => a - b);
  report(
    `asOf on ${hot.key} (${hot.version.toLocaleString('en')} versions): p50 ${fmt(percentile(asOf, 50))}, p99 ${fmt(percentile(asOf, 99))} (target < 50 ms); ` +
      `live read of the same flag p50 ${fmt(percentile(live, 50))}, p99 ${fmt(percentile(live, 99))}`,
  );
  await server.stop();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
