import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventTable } from '../../src/event-store/event.table.js';
import { command, releaseFlag } from './flags.js';
import { openRaw } from './raw-database.js';
import { INSERT_EVENT_ROW } from './seed-events.js';
import type { TestApp } from './test-app.js';
import type { RoleName } from './tokens.js';

/*
 * A log written by Flagledger before environments existed (issue 12), kept as a fixture so the upgrade
 * can be held to it: the same rows must still verify, rebuild and answer every read identically. The
 * rows and the answers were recorded once, by generate.fixture-spec.ts, from the code of that time.
 */

export const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'pre-environments-log');

/** One read of the API: what was asked, and (in the fixture) what it answered. */
export interface RecordedRead {
  method: 'get' | 'post';
  path: string;
  role: RoleName;
  body?: object;
  status: number;
  contentType: string;
  /** JSON bodies parsed; anything else (CSV, NDJSON) as text. */
  answer: unknown;
}

export interface PreEnvironmentsFixture {
  /** The clock at which the reads were recorded: time-dependent answers (stale report, manifests) need it. */
  recordedAt: string;
  events: EventTable[];
  reads: RecordedRead[];
}

export function readFixture(): PreEnvironmentsFixture {
  const file = (name: string) => JSON.parse(readFileSync(join(FIXTURE_DIR, name), 'utf8')) as unknown;
  const { recordedAt, reads } = file('reads.json') as Pick<PreEnvironmentsFixture, 'recordedAt' | 'reads'>;
  return { recordedAt, reads, events: file('events.json') as EventTable[] };
}

const MINUTE = 60_000;

/**
 * Every kind of event the v1 decider emits, on every flag type, with reasons, an Idempotency-Key and an
 * If-Match, a minute apart. Returns the instants between steps, for asOf reads.
 */
export async function writeScenario(t: TestApp): Promise<string[]> {
  const instants: string[] = [];
  const step = async (run: () => Promise<unknown>) => {
    await run();
    t.clock.advance(MINUTE / 2);
    instants.push(t.clock.now().toISOString());
    t.clock.advance(MINUTE / 2);
  };
  await step(() =>
    command(t, 'post', '/v1/flags', {
      ...releaseFlag('checkout_v2', { description: 'New checkout', ticket: 'PAY-101' }),
      reason: 'Q1 launch',
    }),
  );
  await step(() => command(t, 'put', '/v1/flags/checkout_v2/rollout', { percentage: 10, reason: 'canary' }));
  await step(() => command(t, 'post', '/v1/flags/checkout_v2/enable', { reason: 'start the canary' }));
  await step(async () => {
    const res = await t
      .as('editor')
      .put('/v1/flags/checkout_v2/rollout')
      .set('If-Match', '"3"')
      .set('Idempotency-Key', 'rollout-50')
      .send({ percentage: 50 });
    if (res.status !== 200) throw new Error(`rollout 50: ${res.status} ${res.text}`);
  });
  await step(() => command(t, 'post', '/v1/flags/checkout_v2/kill-switch/engage', { reason: 'INC-7 errors' }));
  await step(() => command(t, 'post', '/v1/flags/checkout_v2/kill-switch/release', { reason: 'INC-7 fixed' }));
  await step(() => command(t, 'put', '/v1/flags/checkout_v2/rollout', { percentage: 100 }));
  await step(() =>
    command(t, 'patch', '/v1/flags/checkout_v2', {
      owner: 'checkout-team',
      expiresAt: '2027-06-01T00:00:00.000Z',
      reason: 'handed over',
    }),
  );
  await step(() =>
    command(t, 'post', '/v1/flags', { key: 'payments.circuit', type: 'operational', owner: 'sre', enabled: true }),
  );
  await step(() =>
    command(t, 'post', '/v1/flags/payments.circuit/kill-switch/engage', { reason: 'provider down' }, 'admin'),
  );
  await step(() =>
    command(t, 'post', '/v1/flags', {
      key: 'reco_test',
      type: 'experiment',
      owner: 'growth',
      expiresAt: '2026-12-20T00:00:00.000Z',
      targetSegments: ['beta'],
      rolloutPercentage: 30,
    }),
  );
  await step(() => command(t, 'put', '/v1/flags/reco_test/segments', { segments: ['beta', 'enterprise'] }));
  await step(() => command(t, 'post', '/v1/flags/reco_test/enable', {}));
  await step(() =>
    command(t, 'post', '/v1/flags', {
      key: 'sso-enterprise',
      type: 'permission',
      owner: 'identity',
      enabled: true,
      targetSegments: ['enterprise'],
    }),
  );
  await step(() => command(t, 'post', '/v1/flags', releaseFlag('old_banner', { enabled: true })));
  await step(() => command(t, 'post', '/v1/flags/old_banner/disable', { reason: 'campaign over' }));
  await step(() => command(t, 'post', '/v1/flags/old_banner/archive', { reason: 'cleanup' }));
  await step(() => command(t, 'post', '/v1/flags/reco_test/archive', {}));
  await step(() => command(t, 'post', '/v1/flags/reco_test/restore', { reason: 'one more week' }));
  return instants;
}

const KEYS = ['checkout_v2', 'old_banner', 'payments.circuit', 'reco_test', 'sso-enterprise'];
const CONTEXTS = [{}, { userId: 'user-1' }, { userId: 'user-42', segment: 'beta' }, { segment: 'enterprise' }];

/** The reads every upgrade must answer as before: lists, each flag, history, audit, export, delivery, evaluation. */
export function readsOf(
  instants: readonly string[],
  versions: Record<string, number>,
): Omit<RecordedRead, 'status' | 'contentType' | 'answer'>[] {
  const get = (path: string, role: RoleName = 'viewer') => ({ method: 'get' as const, path, role });
  const post = (path: string, body: object) => ({ method: 'post' as const, path, role: 'evaluator' as RoleName, body });
  const moments = instants.filter((_, i) => i % 3 === 0);
  return [
    get('/v1/flags'),
    get('/v1/flags?includeArchived=true'),
    ...moments.map((at) => get(`/v1/flags?asOf=${at}&includeArchived=true`)),
    ...KEYS.flatMap((key) => [
      get(`/v1/flags/${key}`),
      get(`/v1/flags/${key}/history`),
      ...Array.from({ length: versions[key] ?? 0 }, (_, i) => get(`/v1/flags/${key}?version=${i + 1}`)),
      ...moments.map((at) => get(`/v1/flags/${key}?asOf=${at}`)),
    ]),
    get('/v1/audit'),
    get('/v1/audit?flag=checkout_v2'),
    get('/v1/audit?type=FlagKillSwitchEngaged&type=FlagKillSwitchReleased'),
    get('/v1/audit?actor=alice'),
    get('/v1/audit?actor=root'),
    get('/v1/export?format=ndjson', 'admin'),
    get('/v1/export?format=csv', 'admin'),
    get('/v1/audit/verify', 'admin'),
    get('/v1/snapshot', 'evaluator'),
    get('/v1/flags/stale'),
    ...KEYS.flatMap((flagKey) => CONTEXTS.map((context) => post('/v1/evaluate', { flagKey, context }))),
    ...CONTEXTS.map((context) => post('/v1/evaluate/all', { context })),
    ...moments.map((asOf) => post('/v1/evaluate/all', { context: { userId: 'user-1', segment: 'beta' }, asOf })),
  ];
}

/** Sends each read and records its answer. Evaluations go last: they move the flags' usage figures. */
export async function record(
  t: TestApp,
  reads: readonly Omit<RecordedRead, 'status' | 'contentType' | 'answer'>[],
): Promise<RecordedRead[]> {
  const recorded: RecordedRead[] = [];
  for (const read of reads) {
    const request = t.as(read.role)[read.method](read.path);
    const res = await (read.body === undefined ? request : request.send(read.body));
    const contentType = String(res.headers['content-type'] ?? '');
    const isJson = contentType.startsWith('application/json') || contentType.startsWith('application/problem+json');
    recorded.push({ ...read, status: res.status, contentType, answer: isJson ? res.body : res.text });
  }
  return recorded;
}

/** Puts recorded rows into a migrated, stopped database as they were: the next start catches up on them. */
export function insertEventRows(dbPath: string, rows: readonly EventTable[]): void {
  const db = openRaw(dbPath);
  try {
    const insert = db.prepare(INSERT_EVENT_ROW);
    db.transaction(() => {
      for (const row of rows) insert.run(row);
    })();
  } finally {
    db.close();
  }
}
