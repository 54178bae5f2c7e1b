/** Profiles one projection rebuild: node --cpu-prof dist-bench/bench/profile-rebuild.js <events> */
import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../src/app.module.js';
import { loadConfig } from '../src/config/app-config.js';
import { ProjectionRebuild } from '../src/replay/projection-rebuild.js';
import { seedFlagEvents } from '../test/support/seed-events.js';

const events = Number(process.argv[2] ?? 100_000);
const dbPath = join(mkdtempSync(join(tmpdir(), 'fl-prof-')), 'flagledger.db');
const config = loadConfig({ FLAGLEDGER_DB: dbPath });
const open = () => NestFactory.createApplicationContext(AppModule.forRoot({ config }), { logger: false });
await (await open()).close();
seedFlagEvents(dbPath, { flags: 10, events });
let t = performance.now();
const app = await open();
console.log(`start with catch-up of ${events} events: ${Math.round(performance.now() - t)} ms`);
const { Session } = await import('node:inspector/promises');
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.start');
t = performance.now();
await app.get(ProjectionRebuild).rebuild();
console.log(`rebuild of ${events} events: ${Math.round(performance.now() - t)} ms`);
const { profile } = await session.post('Profiler.stop');
const self = new Map<string, number>();
const hits = new Map<number, number>();
profile.samples!.forEach((id, i) => hits.set(id, (hits.get(id) ?? 0) + (profile.timeDeltas![i] ?? 0)));
for (const node of profile.nodes) {
  const key = `${node.callFrame.functionName} ${node.callFrame.url.split('/').slice(-2).join('/')}:${node.callFrame.lineNumber}`;
  self.set(key, (self.get(key) ?? 0) + (hits.get(node.id) ?? 0));
}
for (const [key, us] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15))
  console.log(`${Math.round(us / 1000)} ms  ${key}`);
await app.close();
