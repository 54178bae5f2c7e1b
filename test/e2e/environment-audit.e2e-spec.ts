import { readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { runCli } from '../../src/cli/run-cli.js';
import { verifyExportFile } from '../../src/cli/verify-export.js';
import type { EventFilter } from '../../src/event-store/event-filter.js';
import { EVENT_STORE, type EventStore, type StoredEvent } from '../../src/event-store/event-store.js';
import type { ExportManifest } from '../../src/export/export-manifest.js';
import { canonicalJson } from '../../src/shared/canonical-json.js';
import { command, createFlag } from '../support/flags.js';
import { expectProblem } from '../support/problem.js';
import { openRaw, queryRows } from '../support/raw-database.js';
import { seedFlagEvents } from '../support/seed-events.js';
import { tempDir } from '../support/temp-dir.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { testCliEnv } from '../support/test-databases.js';
import { TOKENS } from '../support/tokens.js';
import { dropAuditTrailChangeRequest, dropClientSightings } from '../support/undo-migrations.js';

/*
 * docs/contract.md §7 (issue 12, item 4): GET /v1/audit, /v1/flags/:key/history and /v1/export take
 * `environment=`, and then every entry and row says which environment its event acted in. Opt-in: without
 * the parameter every answer is v1's (the v1 suites and the recorded pre-environments reads hold that).
 */

const MINUTE = 60_000;
const V1_ENTRY_KEYS = ['seq', 'flag', 'version', 'type', 'actor', 'at', 'reason', 'from', 'to'];
const V1_ROW_KEYS = [
  'seq',
  'streamId',
  'version',
  'type',
  'schemaVersion',
  'data',
  'actor',
  'reason',
  'at',
  'idempotencyKey',
  'prevHash',
  'hash',
];
const V1_CSV_HEADER = ['seq', 'streamId', 'version', 'type', 'actor', 'at', 'reason', 'data', 'prevHash', 'hash'];
const DEFINITION_EVENTS = ['FlagDetailsChanged', 'FlagArchived', 'FlagRestored'];

type Labelled = StoredEvent & { environment: string | null };

/**
 * The environment an event acted in, worked out here rather than by the code under test: a state event's
 * or FlagCreated's own, the default one (production) when it names none; none for definition and
 * environment events.
 */
function environmentOf(event: StoredEvent): string | null {
  if (!event.type.startsWith('Flag') || DEFINITION_EVENTS.includes(event.type)) return null;
  return (event.data as { environment?: string }).environment ?? 'production';
}

/** The entry GET /v1/audit?environment= must show for an event. */
function entryOf(event: StoredEvent): Record<string, unknown> {
  const isFlag = event.type.startsWith('Flag');
  const data = event.data as Record<string, { from: unknown; to: unknown }>;
  const change =
    event.type === 'FlagCreated' || event.type === 'EnvironmentCreated'
      ? { from: null, to: event.data }
      : event.type === 'EnvironmentChanged'
        ? {
            from: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.from])),
            to: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.to])),
          }
        : { from: (event.data as { from: unknown }).from, to: (event.data as { to: unknown }).to };
  return {
    seq: event.seq,
    flag: isFlag ? event.streamId : null,
    version: event.version,
    type: event.type,
    actor: event.actor,
    at: event.at,
    reason: event.reason,
    ...change,
    environment: environmentOf(event),
    streamId: event.streamId,
  };
}

const labelled = (event: StoredEvent): Labelled => ({ ...event, environment: environmentOf(event) });

function rawText(res: IncomingMessage, callback: (error: Error | null, body: string) => void): void {
  let body = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => (body += chunk));
  res.on('end', () => callback(null, body));
}

async function exportText(t: TestApp, query: string) {
  const res = await t
    .as('viewer')
    .get(`/v1/export${query}`)
    .buffer(true)
    .parse(rawText as never);
  return { status: res.status, text: res.body as string };
}

async function exportNdjson(t: TestApp, query: string) {
  const { status, text } = await exportText(t, `${query}${query.includes('?') ? '&' : '?'}format=ndjson`);
  expect(status).toBe(200);
  const lines = text
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const { manifest } = lines.pop() as { manifest: ExportManifest };
  return { rows: lines as unknown as Labelled[], manifest, text };
}

async function exportCsv(t: TestApp, query: string) {
  const { status, text } = await exportText(t, `${query}${query.includes('?') ? '&' : '?'}format=csv`);
  expect(status).toBe(200);
  const [header, ...rows] = parseCsv(text) as string[][];
  return { header: header!, rows: rows.map((r) => Object.fromEntries(header!.map((c, i) => [c, r[i]!]))) };
}

interface Page {
  items: Record<string, unknown>[];
  nextCursor: number | null;
}

async function timeline(t: TestApp, query: string): Promise<Page> {
  return (await t.as('viewer').get(`/v1/audit${query}`).expect(200)).body as Page;
}

/** Every entry of a query, page after page of `limit`, following nextCursor. */
async function allPages(t: TestApp, query: string, limit: number): Promise<Record<string, unknown>[]> {
  const collected: Record<string, unknown>[] = [];
  let after = 0;
  for (;;) {
    const page = await timeline(t, `${query}&limit=${limit}&after=${after}`);
    collected.push(...page.items);
    if (page.nextCursor === null) return collected;
    expect(page.items).toHaveLength(limit);
    after = page.nextCursor;
  }
}

/**
 * A log that starts with events written before environments (no data.environment), then a staging
 * environment, state changes in both environments, definition changes, a promotion and an environment
 * change, a minute apart. Returns the app running on it.
 */
async function environmentsHistory(): Promise<TestApp> {
  const first = await startTestApp();
  await first.close();
  seedFlagEvents(first.dbPath, { flags: 1, events: 4, keyPrefix: 'legacy-', startAt: '2026-11-01T00:00:00.000Z' });
  const t = await startTestApp({ dbPath: first.dbPath, clock: first.clock });
  const steps: Array<() => Promise<unknown>> = [
    () => t.as('admin').post('/v1/environments').send({ key: 'staging', name: 'Staging', type: 'staging' }).expect(201),
    () => createFlag(t, 'checkout', { reason: 'PAY-1' }),
    () => command(t, 'post', '/v1/environments/staging/flags/checkout/enable', { reason: 'try it in staging' }),
    () => command(t, 'put', '/v1/environments/staging/flags/checkout/rollout', { percentage: 25, reason: 'canary' }),
    () => command(t, 'post', '/v1/flags/checkout/enable'),
    () => command(t, 'patch', '/v1/flags/checkout', { owner: 'payments' }),
    () => t.as('admin').patch('/v1/environments/staging').send({ name: 'Staging EU', reason: 'renamed' }).expect(200),
    () =>
      command(
        t,
        'post',
        '/v1/environments/production/flags/checkout/copy-from/staging',
        { reason: 'promote' },
        'admin',
      ),
    () =>
      command(t, 'post', '/v1/environments/staging/flags/legacy-0/kill-switch/engage', { reason: 'INC-9' }, 'admin'),
    () => command(t, 'post', '/v1/flags/legacy-0/archive', { reason: 'done' }),
  ];
  for (const step of steps) {
    t.clock.advance(MINUTE);
    await step();
  }
  return t;
}

describe('the environment view of history, audit and export (environment=)', () => {
  let t: TestApp;
  /** Every event in the log, as the v1 export streams them. */
  let all: StoredEvent[];
  const tmp = tempDir();

  beforeAll(async () => {
    t = await environmentsHistory();
    // A flag with nothing in staging: its staging history is empty, not missing.
    t.clock.advance(MINUTE);
    await createFlag(t, 'fresh');
    all = (await exportNdjson(t, '')).rows;
    expect(all.map((e) => e.type)).toEqual([
      'FlagCreated',
      ...Array.from({ length: 3 }, () => expect.stringMatching(/^Flag(Enabled|Disabled|RolloutChanged)$/)),
      'EnvironmentCreated',
      'FlagCreated',
      'FlagEnabled',
      'FlagRolloutChanged',
      'FlagEnabled',
      'FlagDetailsChanged',
      'EnvironmentChanged',
      'FlagStateCopied',
      'FlagKillSwitchEngaged',
      'FlagArchived',
      'FlagCreated',
    ]);
  });
  afterAll(async () => {
    await t?.close();
    tmp.cleanup();
  });

  const flagEvents = () => all.filter((e) => e.type.startsWith('Flag'));
  const inEnvironment = (...environments: string[]) =>
    all.filter((e) => environments.includes(environmentOf(e) as string));

  it("answers v1's answers without the parameter: no label, no stream, no environment events in the timeline", async () => {
    const v1 = await timeline(t, '?limit=1000');
    expect(v1.items.map((e) => e.seq)).toEqual(flagEvents().map((e) => e.seq));
    for (const entry of v1.items) expect(Object.keys(entry)).toEqual(V1_ENTRY_KEYS);

    const history = (await t.as('viewer').get('/v1/flags/checkout/history').expect(200)).body;
    expect(history.entries.length).toBeGreaterThan(0);
    for (const entry of history.entries) expect(Object.keys(entry)).toEqual(V1_ENTRY_KEYS);

    // The export streams every event of the log, as in v1 (environment events included), unlabelled.
    const { rows, manifest } = await exportNdjson(t, '');
    expect(rows).toHaveLength(all.length);
    for (const row of rows) expect(Object.keys(row)).toEqual(V1_ROW_KEYS);
    expect(manifest.filters).toEqual({});
    expect(manifest).not.toHaveProperty('defaultEnvironment');
    const csv = await exportCsv(t, '');
    expect(csv.header).toEqual(V1_CSV_HEADER);
    expect(csv.rows).toHaveLength(all.length);
  });

  it('environment=staging keeps only what acted in staging, each entry and row labelled, on audit, history and export', async () => {
    const staging = inEnvironment('staging');
    expect(staging.map((e) => e.type)).toEqual(['FlagEnabled', 'FlagRolloutChanged', 'FlagKillSwitchEngaged']);

    const page = await timeline(t, '?environment=staging');
    expect(page).toEqual({ items: staging.map(entryOf), nextCursor: null });
    expect(page.items[1]).toEqual({
      seq: staging[1]!.seq,
      flag: 'checkout',
      version: 3,
      type: 'FlagRolloutChanged',
      actor: TOKENS.editor.name,
      at: staging[1]!.at,
      reason: 'canary',
      from: 100,
      to: 25,
      environment: 'staging',
      streamId: 'checkout',
    });

    const history = (await t.as('viewer').get('/v1/flags/checkout/history?environment=staging').expect(200)).body;
    expect(history).toEqual({
      flag: 'checkout',
      entries: staging.filter((e) => e.streamId === 'checkout').map(entryOf),
    });

    const ndjson = await exportNdjson(t, '?environment=staging');
    expect(ndjson.rows).toEqual(staging.map(labelled));
    for (const row of ndjson.rows) expect(Object.keys(row)).toEqual([...V1_ROW_KEYS, 'environment']);
    expect(ndjson.manifest).toMatchObject({
      count: staging.length,
      firstSeq: staging[0]!.seq,
      lastSeq: staging[staging.length - 1]!.seq,
      headSeq: all.length,
      filters: { environment: ['staging'] },
      defaultEnvironment: 'production',
    });

    const csv = await exportCsv(t, '?environment=staging');
    expect(csv.header).toEqual([...V1_CSV_HEADER, 'environment']);
    expect(csv.rows.map((r) => [r.seq, r.type, r.environment])).toEqual(
      staging.map((e) => [String(e.seq), e.type, 'staging']),
    );
    expect(csv.rows[0]!.data).toBe(canonicalJson(staging[0]!.data));
  });

  it('environment=* labels everything (null for definition and environment events) and shows environment events', async () => {
    const page = await timeline(t, '?environment=*&limit=1000');
    expect(page).toEqual({ items: all.map(entryOf), nextCursor: null });
    const created = all.find((e) => e.type === 'EnvironmentCreated')!;
    const changed = all.find((e) => e.type === 'EnvironmentChanged')!;
    expect(page.items.find((e) => e.type === 'EnvironmentCreated')).toEqual({
      seq: created.seq,
      flag: null,
      version: 1,
      type: 'EnvironmentCreated',
      actor: TOKENS.admin.name,
      at: created.at,
      reason: null,
      from: null,
      to: { key: 'staging', name: 'Staging', type: 'staging', requiredApprovals: 0 },
      environment: null,
      streamId: 'environment:staging',
    });
    expect(page.items.find((e) => e.type === 'EnvironmentChanged')).toMatchObject({
      seq: changed.seq,
      flag: null,
      version: 2,
      reason: 'renamed',
      from: { name: 'Staging' },
      to: { name: 'Staging EU' },
      environment: null,
      streamId: 'environment:staging',
    });
    expect(page.items.find((e) => e.type === 'FlagDetailsChanged')).toMatchObject({ environment: null });
    expect(page.items.find((e) => e.type === 'FlagArchived')).toMatchObject({ environment: null });
    // A promotion is recorded in the environment it was copied into.
    expect(page.items.find((e) => e.type === 'FlagStateCopied')).toMatchObject({ environment: 'production' });

    const history = (await t.as('viewer').get('/v1/flags/legacy-0/history?environment=*').expect(200)).body;
    expect(history.entries).toEqual(all.filter((e) => e.streamId === 'legacy-0').map(entryOf));

    const ndjson = await exportNdjson(t, '?environment=*');
    expect(ndjson.rows).toEqual(all.map(labelled));
    expect(ndjson.manifest).toMatchObject({ count: all.length, filters: { environment: ['*'] } });
    const csv = await exportCsv(t, '?environment=*');
    expect(csv.rows.map((r) => r.environment)).toEqual(all.map((e) => environmentOf(e) ?? ''));
  });

  it('reads events written before environments as the default environment, without rewriting them', async () => {
    const legacy = all.filter((e) => e.streamId === 'legacy-0' && e.seq <= 4);
    expect(legacy).toHaveLength(4);
    for (const event of legacy) expect(event.data).not.toHaveProperty('environment');

    const production = await timeline(t, '?environment=production');
    expect(production.items).toEqual(inEnvironment('production').map(entryOf));
    expect(production.items.slice(0, 4)).toEqual(
      legacy.map((e) => expect.objectContaining({ environment: 'production', seq: e.seq })),
    );
    expect((await timeline(t, '?environment=staging')).items.map((e) => e.seq)).not.toContain(legacy[0]!.seq);
    expect((await exportNdjson(t, '?environment=production')).rows).toEqual(inEnvironment('production').map(labelled));

    // The projection stores what the events say (nothing), and the read upcasts.
    const rows = await queryRows<{ seq: number; environment: string | null }>(
      t.dbPath,
      'SELECT seq, environment FROM audit_trail WHERE seq <= 4 ORDER BY seq',
    );
    expect(rows).toEqual(legacy.map((e) => ({ seq: e.seq, environment: null })));
    expect((await t.as('viewer').get('/v1/audit/verify').expect(200)).body).toMatchObject({ ok: true });
  });

  it('keeps the events of each environment named by a repeated environment', async () => {
    const both = inEnvironment('staging', 'production');
    expect((await timeline(t, '?environment=staging&environment=production')).items).toEqual(both.map(entryOf));
    expect((await exportNdjson(t, '?environment=staging&environment=production')).rows).toEqual(both.map(labelled));
  });

  describe('combines with the other filters and with cursors', () => {
    const cases: Array<[string, string, (e: StoredEvent) => boolean]> = [
      ['flag', '?flag=checkout&environment=*', (e) => e.streamId === 'checkout'],
      ['actor', `?actor=${TOKENS.admin.name}&environment=*`, (e) => e.actor === TOKENS.admin.name],
      [
        'environment event types',
        '?type=EnvironmentCreated&type=EnvironmentChanged&environment=*',
        (e) => e.type.startsWith('Environment'),
      ],
      [
        'flag and environment event types',
        '?type=FlagEnabled&type=EnvironmentChanged&environment=*',
        (e) => e.type === 'FlagEnabled' || e.type === 'EnvironmentChanged',
      ],
      [
        'a type in one environment',
        '?type=FlagEnabled&environment=staging',
        (e) => e.type === 'FlagEnabled' && environmentOf(e) === 'staging',
      ],
      ['environment event types in a named environment', '?type=EnvironmentCreated&environment=staging', () => false],
      [
        'a time window',
        `?from=2026-11-25T12:03:00Z&to=2026-11-25T12:08:00Z&environment=*`,
        (e) => e.at >= '2026-11-25T12:03:00.000Z' && e.at <= '2026-11-25T12:08:00.000Z',
      ],
      [
        'actor and environment',
        `?actor=${TOKENS.editor.name}&environment=production`,
        (e) => e.actor === TOKENS.editor.name && environmentOf(e) === 'production',
      ],
    ];

    it.each(cases)(
      '%s: the timeline and both export formats select the same events',
      async (_label, query, matches) => {
        const expected = all.filter(matches);
        expect((await timeline(t, query)).items).toEqual(expected.map(entryOf));
        const ndjson = await exportNdjson(t, query);
        expect(ndjson.rows).toEqual(expected.map(labelled));
        expect(ndjson.manifest.count).toBe(expected.length);
        expect((await exportCsv(t, query)).rows.map((r) => Number(r.seq))).toEqual(expected.map((e) => e.seq));
      },
    );

    it('pages through the environment view with limit and after, flag and environment events merged in seq order', async () => {
      expect(await allPages(t, '?environment=*', 2)).toEqual(all.map(entryOf));
      expect(await allPages(t, '?environment=*', 1)).toEqual(all.map(entryOf));
      expect(await allPages(t, '?environment=production', 3)).toEqual(inEnvironment('production').map(entryOf));
      expect(await allPages(t, `?environment=*&actor=${TOKENS.admin.name}`, 1)).toEqual(
        all.filter((e) => e.actor === TOKENS.admin.name).map(entryOf),
      );
      const created = all.find((e) => e.type === 'EnvironmentCreated')!;
      const page = await timeline(t, `?environment=*&limit=2&after=${created.seq - 1}`);
      expect(page).toEqual({
        items: all.slice(created.seq - 1, created.seq + 1).map(entryOf),
        nextCursor: created.seq + 1,
      });
    });

    it('takes environment event types only in the environment view, as v1 refused them', async () => {
      const res = await t.as('viewer').get('/v1/audit?type=EnvironmentCreated');
      expectProblem(res, 400, { field: 'type' });
      expect(res.body.errors[0].message).not.toContain('Environment');
      expectProblem(await t.as('viewer').get('/v1/export?type=EnvironmentChanged'), 400, { field: 'type' });
    });
  });

  describe('refuses an environment that does not exist or is not one', () => {
    const routes = ['/v1/audit', '/v1/flags/checkout/history', '/v1/export', '/v1/export?format=csv'];
    const withQuery = (route: string, query: string) => `${route}${route.includes('?') ? '&' : '?'}${query}`;

    it.each(routes)('%s: 404 ENVIRONMENT_NOT_FOUND naming environment', async (route) => {
      for (const query of ['environment=nowhere', 'environment=staging&environment=nowhere']) {
        const res = await t.as('viewer').get(withQuery(route, query));
        expectProblem(res, 404, { code: 'ENVIRONMENT_NOT_FOUND', field: 'environment', label: `${route} ${query}` });
        expect(res.headers['content-disposition']).toBeUndefined();
      }
    });

    it.each(routes)('%s: 400 naming environment for a malformed one', async (route) => {
      for (const query of [
        'environment=',
        'environment=Staging',
        'environment=staging%20',
        `environment=${'a'.repeat(33)}`,
        'environment=*&environment=staging',
        'environment=**',
        'environment=staging,production',
      ]) {
        const res = await t.as('viewer').get(withQuery(route, query));
        expectProblem(res, 400, { field: 'environment', label: `${route} ${query}` });
        expect(res.headers['content-disposition']).toBeUndefined();
      }
    });

    it('answers an empty history, not a 404, for a flag with nothing in the environment asked for', async () => {
      await t.as('viewer').get('/v1/flags/nosuchflag/history?environment=*').expect(404);
      const res = await t.as('viewer').get('/v1/flags/checkout/history?environment=staging').expect(200);
      expect(res.body.entries.length).toBeGreaterThan(0);
      expect((await t.as('viewer').get('/v1/flags/fresh/history?environment=staging').expect(200)).body).toEqual({
        flag: 'fresh',
        entries: [],
      });
      // The v1 history still ignores query parameters it does not read.
      await t.as('viewer').get('/v1/flags/fresh/history?whatever=1').expect(200);
    });
  });

  describe('offline verification of an environment view export', () => {
    const write = async (name: string, query: string) => {
      const file = join(tmp.dir, name);
      writeFileSync(file, (await exportNdjson(t, query)).text);
      return file;
    };

    it('verifies a named-environment export (filtered) and a * export (complete), labels included', async () => {
      const staging = await write('staging.ndjson', '?environment=staging');
      expect(await verifyExportFile(staging, undefined)).toMatchObject({
        ok: true,
        rows: inEnvironment('staging').length,
        complete: false,
      });
      const every = await write('every.ndjson', '?environment=*');
      expect(await verifyExportFile(every, undefined)).toEqual({
        ok: true,
        rows: all.length,
        firstSeq: 1,
        lastSeq: all.length,
        complete: true,
        checkpoint: expect.any(String),
      });
    });

    it('refuses a row whose label does not follow from its hashed data, or lies outside the exported environments', async () => {
      const file = await write('relabelled.ndjson', '?environment=*');
      const lines = readFileSync(file, 'utf8').split('\n');
      const index = all.findIndex((e) => e.type === 'FlagRolloutChanged' && environmentOf(e) === 'staging');
      const relabelled = lines.map((line, i) =>
        i === index ? line.replace(/"environment":"staging"}$/, '"environment":"production"}') : line,
      );
      expect(relabelled).not.toEqual(lines);
      writeFileSync(file, relabelled.join('\n'));
      expect(await verifyExportFile(file, undefined)).toMatchObject({
        ok: false,
        firstBadSeq: all[index]!.seq,
        reason: expect.stringContaining('its data says "staging"'),
      });

      // A row moved from another environment's export keeps its true label, but does not belong.
      const stagingFile = await write('staging-plus.ndjson', '?environment=staging');
      const production = JSON.stringify(labelled(inEnvironment('production').at(-1)!));
      const stagingLines = readFileSync(stagingFile, 'utf8').split('\n');
      stagingLines.splice(stagingLines.length - 2, 0, production);
      writeFileSync(stagingFile, stagingLines.join('\n'));
      expect(await verifyExportFile(stagingFile, undefined)).toMatchObject({
        ok: false,
        reason: expect.stringContaining('not in the exported environments staging'),
      });
    });
  });

  it('rebuilds the environment column as the appends wrote it, and answers the environment view the same', async () => {
    const dump = async () => JSON.stringify(await queryRows(t.dbPath, 'SELECT * FROM audit_trail ORDER BY seq'));
    const before = await dump();
    const answers = async () => [
      await timeline(t, '?environment=*&limit=1000'),
      await timeline(t, '?environment=staging'),
      (await t.as('viewer').get('/v1/flags/legacy-0/history?environment=production').expect(200)).body,
    ];
    const answered = await answers();
    await t.as('admin').post('/v1/admin/projections/rebuild').expect(200);
    expect(await dump()).toEqual(before);
    expect(await answers()).toEqual(answered);
  });
});

describe('paging the environment view while commands are appended', () => {
  it('returns every flag and environment event exactly once across pages', async () => {
    const t = await startTestApp();
    try {
      const keys = ['paged-a', 'paged-b', 'paged-c'];
      for (const key of keys) await createFlag(t, key);
      let writing = true;
      // Flag events and environment events interleaved, racing the reader's two sources.
      const writes = Promise.all([
        ...keys.map(async (key) => {
          for (let i = 0; i < 20; i++)
            await command(t, 'post', `/v1/flags/${key}/${i % 2 === 0 ? 'enable' : 'disable'}`);
        }),
        (async () => {
          for (let i = 0; i < 20; i++)
            await t
              .as('admin')
              .post('/v1/environments')
              .send({ key: `env-${i}`, name: `Env ${i}`, type: 'test' })
              .expect(201);
        })(),
      ]).finally(() => (writing = false));

      const collected: Record<string, unknown>[] = [];
      let after = 0;
      let pagesWhileWriting = 0;
      const drain = async () => {
        for (;;) {
          const page = await timeline(t, `?environment=*&limit=3&after=${after}`);
          if (writing) pagesWhileWriting++;
          collected.push(...page.items);
          if (page.items.length > 0) after = page.items[page.items.length - 1]!.seq as number;
          if (page.nextCursor === null) return;
        }
      };
      while (writing) await drain();
      await writes;
      await drain();

      const everything = (await timeline(t, '?environment=*&limit=1000')).items;
      expect(everything).toHaveLength(3 + 60 + 20);
      expect(pagesWhileWriting).toBeGreaterThan(1);
      expect(collected.map((e) => e.seq)).toEqual(everything.map((e) => e.seq));
    } finally {
      await t.close();
    }
  });
});

describe('the environment view read from two sources', () => {
  it('skips no event committed while it reads flag events and environment events one after the other', async () => {
    const t = await startTestApp();
    const store = t.app.get<EventStore>(EVENT_STORE);
    const { head, iterate } = store;
    const environmentThenFlag = async (key: string, toggle: 'enable' | 'disable') => {
      await t.as('admin').post('/v1/environments').send({ key, name: key, type: 'test' }).expect(201);
      await command(t, 'post', `/v1/flags/between/${toggle}`);
    };
    try {
      await createFlag(t, 'between');
      await t.as('admin').post('/v1/environments').send({ key: 'env-a', name: 'A', type: 'test' }).expect(201);
      // Events committed right after the timeline reads the head, and again right before it reads the
      // environment events (after it read audit_trail): each pair an environment event, then a flag event.
      let armed = true;
      store.head = async () => {
        const read = await head.call(store);
        if (armed) await environmentThenFlag('env-b', 'enable');
        return read;
      };
      store.iterate = (filter: EventFilter) =>
        (async function* () {
          if (armed && filter.types?.includes('EnvironmentCreated') === true) {
            armed = false;
            await environmentThenFlag('env-c', 'disable');
          }
          yield* iterate.call(store, filter);
        })();
      const first = await timeline(t, '?environment=*&limit=10');
      expect(armed).toBe(false);
      const rest = await timeline(t, `?environment=*&limit=10&after=${first.items.at(-1)!.seq as number}`);
      expect([...first.items, ...rest.items].map((e) => [e.seq, e.type])).toEqual([
        [1, 'FlagCreated'],
        [2, 'EnvironmentCreated'],
        [3, 'EnvironmentCreated'],
        [4, 'FlagEnabled'],
        [5, 'EnvironmentCreated'],
        [6, 'FlagDisabled'],
      ]);
    } finally {
      Reflect.deleteProperty(store, 'head');
      Reflect.deleteProperty(store, 'iterate');
      await t.close();
    }
  });
});

describe('an audit trail projected before it had an environment column', () => {
  it('gets each row its environment from its event on upgrade, the rows a rebuild writes', async () => {
    const t = await environmentsHistory();
    const dbPath = t.dbPath;
    const dump = async () => queryRows(dbPath, 'SELECT * FROM audit_trail ORDER BY seq');
    const projected = await dump();
    expect(projected.filter((r) => r.environment === 'staging')).toHaveLength(3);
    await t.close();

    // The schema and rows as they were before migration 0005: no column, no index, not migrated; and
    // nothing of the migrations after it (Kysely runs migrations in order only), which add what is dropped below.
    const raw = openRaw(dbPath);
    try {
      raw.exec('DROP INDEX audit_trail_environment_index');
      raw.exec('ALTER TABLE audit_trail DROP COLUMN environment');
      raw.exec('DROP TABLE console_sessions');
      raw.exec('DROP TABLE token_last_used');
      raw.exec('ALTER TABLE events DROP COLUMN actor_token_id');
      raw.exec('ALTER TABLE audit_trail DROP COLUMN actor_token_id');
      raw.exec('ALTER TABLE audit_trail DROP COLUMN break_glass');
      dropAuditTrailChangeRequest(raw);
      dropClientSightings(raw);
      raw.exec("DELETE FROM kysely_migration WHERE name >= '0005'");
    } finally {
      raw.close();
    }
    expect((await dump())[0]).not.toHaveProperty('environment');

    const upgraded = await startTestApp({ dbPath, clock: t.clock });
    try {
      expect(await dump()).toEqual(projected);
      expect((await upgraded.as('viewer').get('/v1/audit?environment=staging').expect(200)).body.items).toHaveLength(3);
    } finally {
      await upgraded.close();
    }
  });
});

describe('the CLI export with --environment', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('writes the same rows as GET /v1/export?environment=, and verify-export accepts them', async () => {
    const t = await environmentsHistory();
    const expected = (await exportNdjson(t, '?environment=staging')).rows;
    await t.close();
    const out = join(tmp.dir, 'cli-staging.ndjson');
    let err = '';
    const io = { out: () => undefined, err: (text: string) => (err += text), env: testCliEnv() };
    expect(await runCli(['export', '--db', t.dbPath, '--environment', 'staging', '--out', out], io)).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines.slice(0, -1).map((line) => JSON.parse(line) as unknown)).toEqual(expected);
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ manifest: { filters: { environment: ['staging'] } } });
    let printed = '';
    const verified = await runCli(['verify-export', out], { ...io, out: (text: string) => (printed += text) });
    expect({ verified, result: JSON.parse(printed) as unknown }).toMatchObject({
      verified: 0,
      result: { ok: true, rows: expected.length, complete: false },
    });
    expect(
      await runCli(['export', '--db', t.dbPath, '--environment', 'nowhere', '--out', out], io).catch(
        (e: Error) => e.message,
      ),
    ).toMatch(/nowhere/);
  });
});
