import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parse as parseCsv } from 'csv-parse/sync';
import type { EventFilter } from '../../src/event-store/event-filter.js';
import { eventHash } from '../../src/event-store/event-hash.js';
import { EVENT_STORE, GENESIS_HASH, type EventStore, type StoredEvent } from '../../src/event-store/event-store.js';
import type { EventTable } from '../../src/event-store/event.table.js';
import { toStoredEvent } from '../../src/event-store/stored-event.mapper.js';
import type { ExportManifest } from '../../src/export/export-manifest.js';
import { CHECKPOINT_EVERY } from '../../src/integrity/periodic-checkpoint.projection.js';
import { canonicalJson } from '../../src/shared/canonical-json.js';
import { releaseFlag } from '../support/flags.js';
import { expectProblem } from '../support/problem.js';
import { openRaw } from '../support/raw-database.js';
import { seedFlagEvents } from '../support/seed-events.js';
import { tempDir } from '../support/temp-dir.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import type { RoleName } from '../support/tokens.js';

/**
 * docs/contract.md §4 GET /v1/export: the timeline's rows with seq, prevHash and hash, streamed as NDJSON (the full
 * envelope plus a manifest, verifiable offline) or CSV (RFC 4180, safe to open in a spreadsheet).
 */

const MINUTE = 60_000;
const CSV_HEADER = ['seq', 'streamId', 'version', 'type', 'actor', 'at', 'reason', 'data', 'prevHash', 'hash'];
const NASTY_REASON = 'rollback, because "prod" broke\r\nsee INC-7\nand, again';
const FORMULA_REASONS = [
  '=HYPERLINK("http://evil.example","click")',
  '+SUM(A1:A9)',
  '-1+1',
  '@evil',
  '\tTabbed',
  '\rcarriage',
];
const SEED_ACTOR = '@evil-bot';

type Manifest = ExportManifest;

/** supertest parser that keeps the body as raw text. */
function rawText(res: IncomingMessage, callback: (error: Error | null, body: string) => void): void {
  let body = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => (body += chunk));
  res.on('end', () => callback(null, body));
}

async function exportText(t: TestApp, query: string, role: RoleName = 'viewer') {
  const res = await t
    .http()
    .get(`/v1/export${query}`)
    .set('Authorization', t.auth(role))
    .buffer(true)
    .parse(rawText as never);
  return { status: res.status, headers: res.headers as IncomingHttpHeaders, text: res.body as string };
}

async function exportNdjson(t: TestApp, query = '') {
  const res = await exportText(
    t,
    query.includes('format=') ? query : `${query}${query.includes('?') ? '&' : '?'}format=ndjson`,
  );
  expect(res.status).toBe(200);
  expect(res.text.endsWith('\n')).toBe(true);
  const lines = res.text
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const last = lines.pop() as { manifest: Manifest };
  expect(Object.keys(last)).toEqual(['manifest']);
  return { rows: lines as unknown as StoredEvent[], manifest: last.manifest, headers: res.headers };
}

async function exportCsv(t: TestApp, query = '') {
  const res = await exportText(t, `${query}${query.includes('?') ? '&' : '?'}format=csv`);
  expect(res.status).toBe(200);
  const records = parseCsv(res.text, { columns: false, relax_column_count: false }) as string[][];
  const [header, ...rows] = records;
  expect(header).toEqual(CSV_HEADER);
  return {
    text: res.text,
    rows: rows.map((r) => Object.fromEntries(CSV_HEADER.map((c, i) => [c, r[i]!]))),
    headers: res.headers,
  };
}

/** What the CSV must hold for an event: the OWASP rule applied by an independent oracle. */
function expectedCsvRow(e: StoredEvent): Record<string, string> {
  const text = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
  return {
    seq: String(e.seq),
    streamId: text(e.streamId),
    version: String(e.version),
    type: text(e.type),
    actor: text(e.actor),
    at: text(e.at),
    reason: e.reason === null ? '' : text(e.reason),
    data: text(canonicalJson(e.data)),
    prevHash: text(e.prevHash),
    hash: text(e.hash),
  };
}

function storedEvents(dbPath: string): StoredEvent[] {
  const db = openRaw(dbPath);
  try {
    return (db.prepare('SELECT * FROM events ORDER BY seq').all() as EventTable[]).map(toStoredEvent);
  } finally {
    db.close();
  }
}

/** A varied history: awkward reasons, formula-looking text, several actors, flags and types, a minute apart. */
async function buildHistory(t: TestApp): Promise<string[]> {
  const times: string[] = [];
  const editor = t.auth('editor');
  const admin = t.auth('admin');
  const step = async (send: () => Promise<unknown>) => {
    times.push(t.clock.now().toISOString());
    await send();
    t.clock.advance(MINUTE);
  };
  await step(() =>
    t
      .http()
      .post('/v1/flags')
      .set('Authorization', editor)
      .send(releaseFlag('checkout_v2', { reason: NASTY_REASON }))
      .expect(201),
  );
  await step(() =>
    t
      .http()
      .post('/v1/flags')
      .set('Authorization', admin)
      .send({
        key: 'ops.maintenance',
        type: 'operational',
        owner: '@evil',
        description: '=cmd|" /C calc"!A0',
        reason: FORMULA_REASONS[0],
      })
      .expect(201),
  );
  await step(() =>
    t
      .http()
      .put('/v1/flags/checkout_v2/rollout')
      .set('Authorization', editor)
      .send({ percentage: 25, reason: FORMULA_REASONS[2] })
      .expect(200),
  );
  await step(() =>
    t
      .http()
      .post('/v1/flags/checkout_v2/enable')
      .set('Authorization', admin)
      .send({ reason: FORMULA_REASONS[1] })
      .expect(200),
  );
  await step(() =>
    t
      .http()
      .post('/v1/flags/ops.maintenance/kill-switch/engage')
      .set('Authorization', editor)
      .send({ reason: FORMULA_REASONS[3] })
      .expect(200),
  );
  await step(() =>
    t
      .http()
      .post('/v1/flags/checkout_v2/disable')
      .set('Authorization', editor)
      .send({ reason: FORMULA_REASONS[4] })
      .expect(200),
  );
  await step(() =>
    t
      .http()
      .patch('/v1/flags/ops.maintenance')
      .set('Authorization', admin)
      .send({ owner: '-team', reason: FORMULA_REASONS[5] })
      .expect(200),
  );
  await step(() =>
    t.http().post('/v1/flags').set('Authorization', editor).send(releaseFlag('legacy_banner')).expect(201),
  );
  await step(() =>
    t.http().post('/v1/flags/legacy_banner/archive').set('Authorization', editor).send({ reason: 'done' }).expect(200),
  );
  return times;
}

describe('GET /v1/export', () => {
  const tmp = tempDir();
  const dbPath = join(tmp.dir, 'export.db');
  let t: TestApp;
  let times: string[];
  let all: StoredEvent[];

  beforeAll(async () => {
    const first = await startTestApp({ dbPath });
    try {
      times = await buildHistory(first);
    } finally {
      await first.close();
    }
    // Two events by an actor whose name looks like a formula, written straight into the file.
    seedFlagEvents(first.dbPath, { flags: 1, events: 2, actor: SEED_ACTOR, reason: '=1+2', keyPrefix: 'seeded-' });
    t = await startTestApp({ dbPath, clock: first.clock });
    all = storedEvents(dbPath);
    expect(all).toHaveLength(11);
  });

  afterAll(async () => {
    await t?.close();
    tmp.cleanup();
  });

  it('streams every event as NDJSON: the full stored envelope, in seq order', async () => {
    const { rows } = await exportNdjson(t);
    expect(rows).toEqual(all);
    expect(Object.keys(rows[0]!)).toEqual([
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
    ]);
  });

  it('NDJSON rows each re-hash with eventHash and link prevHash → hash from the genesis hash', async () => {
    const { rows } = await exportNdjson(t);
    let prevHash = GENESIS_HASH;
    for (const row of rows) {
      const { hash, ...unhashed } = row;
      expect({ seq: row.seq, prevHash: row.prevHash }).toEqual({ seq: row.seq, prevHash });
      expect({ seq: row.seq, hash: eventHash(unhashed) }).toEqual({ seq: row.seq, hash });
      prevHash = hash;
    }
  });

  it('ends NDJSON with a manifest whose counts and chain head match the rows, and no checkpoint when none was signed', async () => {
    const { rows, manifest } = await exportNdjson(t);
    const last = rows[rows.length - 1]!;
    expect(manifest).toEqual({
      count: 11,
      firstSeq: 1,
      lastSeq: 11,
      headSeq: 11,
      headHash: last.hash,
      filters: {},
      generatedAt: t.clock.now().toISOString(),
      checkpoint: null,
    });
  });

  it('defaults to NDJSON when no format is given', async () => {
    const res = await exportText(t, '');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-ndjson');
    expect(res.text.split('\n')).toHaveLength(all.length + 2);
  });

  it('sends NDJSON and CSV as attachments named after the UTC export time, with their content types, never cached', async () => {
    const ndjson = await exportText(t, '?format=ndjson');
    const csv = await exportText(t, '?format=csv');
    const stamp = t.clock
      .now()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    expect(stamp).toMatch(/^\d{8}T\d{6}Z$/);
    expect(ndjson.headers['content-type']).toBe('application/x-ndjson');
    expect(ndjson.headers['content-disposition']).toBe(`attachment; filename="flagledger-export-${stamp}.ndjson"`);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="flagledger-export-${stamp}.csv"`);
    for (const res of [ndjson, csv]) {
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['flagledger-head-seq']).toBe('11');
      expect(res.headers['flagledger-head-hash']).toBe(all[10]!.hash);
    }
  });

  it('writes CSV per RFC 4180: a header row, CRLF after every record, and parses back to the same rows as NDJSON', async () => {
    const { text, rows } = await exportCsv(t);
    expect(text.startsWith(`${CSV_HEADER.join(',')}\r\n`)).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    // Outside quoted fields every line break is CRLF: strip quoted fields, then look for bare LF or CR.
    expect(text.replace(/"(?:[^"]|"")*"/g, '').replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const { rows: ndjson } = await exportNdjson(t);
    expect(rows).toEqual(ndjson.map(expectedCsvRow));
  });

  it('round-trips a reason with commas, double quotes, CRLF and LF through CSV exactly', async () => {
    const { rows } = await exportCsv(t, '?flag=checkout_v2&type=FlagCreated');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.reason).toBe(NASTY_REASON);
  });

  it('neutralises CSV text that starts with = + - @ tab or CR by prefixing a single quote', async () => {
    const { rows } = await exportCsv(t);
    const reasons = rows.map((r) => r.reason);
    for (const reason of FORMULA_REASONS) expect(reasons).toContain(`'${reason}`);
    expect(reasons).toContain("'=1+2");
    expect(rows.filter((r) => r.actor === `'${SEED_ACTOR}`)).toHaveLength(2);
    // The same text in NDJSON is untouched: that is the verifiable format.
    const { rows: ndjson } = await exportNdjson(t);
    expect(ndjson.map((r) => r.reason)).toEqual(expect.arrayContaining(FORMULA_REASONS));
  });

  it('keeps data as its canonical JSON text, which starts with { and so is never read as a formula', async () => {
    const { rows } = await exportCsv(t, '?flag=ops.maintenance&type=FlagCreated');
    expect(rows).toHaveLength(1);
    const event = all.find((e) => e.streamId === 'ops.maintenance' && e.type === 'FlagCreated')!;
    expect(rows[0]!.data).toBe(canonicalJson(event.data));
    expect(JSON.parse(rows[0]!.data)).toMatchObject({ owner: '@evil', description: '=cmd|" /C calc"!A0' });
  });

  describe('filters narrow both formats like the timeline', () => {
    const cases: Array<[string, () => string, (e: StoredEvent) => boolean, () => Record<string, unknown>]> = [
      ['flag', () => '?flag=checkout_v2', (e) => e.streamId === 'checkout_v2', () => ({ flag: 'checkout_v2' })],
      ['actor', () => '?actor=root', (e) => e.actor === 'root', () => ({ actor: 'root' })],
      ['one type', () => '?type=FlagCreated', (e) => e.type === 'FlagCreated', () => ({ type: ['FlagCreated'] })],
      [
        'a repeated type',
        () => '?type=FlagEnabled&type=FlagKillSwitchEngaged',
        (e) => ['FlagEnabled', 'FlagKillSwitchEngaged'].includes(e.type),
        () => ({ type: ['FlagEnabled', 'FlagKillSwitchEngaged'] }),
      ],
      [
        'from and to (inclusive, any zone, normalised to UTC)',
        () => `?from=${encodeURIComponent(offset(times[2]!))}&to=${times[5]}`,
        (e) => e.at >= times[2]! && e.at <= times[5]!,
        () => ({ from: times[2], to: times[5] }),
      ],
      [
        'flag, actor and time together',
        () => `?flag=checkout_v2&actor=alice&from=${times[1]}`,
        (e) => e.streamId === 'checkout_v2' && e.actor === 'alice' && e.at >= times[1]!,
        () => ({ flag: 'checkout_v2', actor: 'alice', from: times[1] }),
      ],
      ['a filter nothing matches', () => '?actor=nobody', () => false, () => ({ actor: 'nobody' })],
    ];

    it.each(cases)('%s', async (_label, query, matches, filters) => {
      const expected = all.filter(matches);
      const ndjson = await exportNdjson(t, query());
      const csv = await exportCsv(t, query());
      expect(ndjson.rows).toEqual(expected);
      expect(csv.rows).toEqual(expected.map(expectedCsvRow));
      expect(ndjson.manifest).toMatchObject({
        count: expected.length,
        firstSeq: expected[0]?.seq ?? null,
        lastSeq: expected[expected.length - 1]?.seq ?? null,
        // The chain head is always the whole log's, so a verifier knows what the filtered rows came from.
        headSeq: 11,
        headHash: all[10]!.hash,
        filters: filters(),
      });
    });

    it('selects the same seqs as GET /v1/audit for the same query', async () => {
      for (const [, query] of cases) {
        const timeline = await t.http().get(`/v1/audit${query()}`).set('Authorization', t.auth('viewer'));
        expect(timeline.status).toBe(200);
        const { rows } = await exportNdjson(t, query());
        expect(rows.map((r) => r.seq)).toEqual((timeline.body.items as { seq: number }[]).map((i) => i.seq));
      }
    });
  });

  it.each([
    ['no token', undefined, 401],
    ['an evaluator token', 'evaluator', 403],
  ] as const)('refuses %s with problem+json', async (_label, role, status) => {
    const req = t.http().get('/v1/export?format=csv');
    const res = role === undefined ? await req : await req.set('Authorization', t.auth(role));
    expectProblem(res, status);
    expect(res.headers['content-disposition']).toBeUndefined();
  });

  it.each([
    ['an unknown format', '?format=xlsx', 'format'],
    ['a repeated format', '?format=csv&format=ndjson', 'format'],
    ['an unknown parameter', '?format=csv&limit=10', 'limit'],
    ['an unknown event type', '?type=FlagDeleted', 'type'],
    ['a time without a zone', '?from=2026-11-25T12:00:00', 'from'],
  ])('answers 400 naming the field for %s', async (_label, query, field) => {
    const res = await t.http().get(`/v1/export${query}`).set('Authorization', t.auth('viewer'));
    expectProblem(res, 400, { field });
    expect(res.headers['content-disposition']).toBeUndefined();
  });
});

describe('GET /v1/export manifest checkpoint', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('carries the newest signed checkpoint at or below the exported head', async () => {
    const t = await startTestApp({ dbPath: join(tmp.dir, 'checkpoint.db') });
    try {
      for (const key of ['a1', 'a2', 'a3', 'a4', 'a5']) {
        await t.http().post('/v1/flags').set('Authorization', t.auth('editor')).send(releaseFlag(key)).expect(201);
      }
      const events = storedEvents(t.dbPath);
      const raw = openRaw(t.dbPath);
      try {
        const insert = raw.prepare(
          'INSERT INTO signed_checkpoints (seq, hash, at, signature, key_id, signed_at) VALUES (?, ?, ?, ?, ?, ?)',
        );
        for (const seq of [2, 4]) {
          const e = events[seq - 1]!;
          insert.run(seq, e.hash, e.at, `sig-${seq}`, 'key-0123456789ab', e.at);
        }
        // One beyond the head (as if signed after the export started) must not be picked.
        insert.run(99, 'f'.repeat(64), events[4]!.at, 'sig-99', 'key-0123456789ab', events[4]!.at);
      } finally {
        raw.close();
      }
      const { manifest } = await exportNdjson(t);
      expect(manifest.headSeq).toBe(5);
      expect(manifest.checkpoint).toEqual({
        seq: 4,
        hash: events[3]!.hash,
        at: events[3]!.at,
        signature: 'sig-4',
        keyId: 'key-0123456789ab',
      });
    } finally {
      await t.close();
    }
  });
});

/** `2026-11-25T12:02:00.000Z` as the same instant in +02:00, to show times are normalised. */
function offset(iso: string): string {
  const shifted = new Date(Date.parse(iso) + 2 * 3_600_000).toISOString();
  return `${shifted.slice(0, 19)}+02:00`;
}

// ---------------------------------------------------------------------------------------------------------

const BIG = 100_000;
const BIG_FLAGS = 20;
/**
 * Heap growth allowed during a 100,000-row export (body ≈ 35 MB), measured in this process, which also
 * runs the verifying client. Streaming measures ≈ 18 MB, the same as for 10,000 or 300,000 rows (it is
 * short-lived garbage); writing without waiting for 'drain' measures ≈ 90 MB.
 */
/** Retained heap during a 35 MB export: buffering it would keep at least the text (35 MB) plus its rows. */
const HEAP_GROWTH_BOUND_MB = 24;

interface StreamedExport {
  status: number;
  headers: IncomingHttpHeaders;
  rows: number;
  lastRow: StoredEvent | undefined;
  manifest: Manifest | undefined;
  bytes: number;
  firstByteAt: number;
  endedAt: number;
}

/**
 * Reads an NDJSON export line by line without keeping it: checks each row against the previous one
 * (seq + 1, prevHash → hash, eventHash) as it arrives, so the client's own memory stays flat too.
 */
function streamNdjson(
  t: TestApp,
  path: string,
  onFirstChunk: () => void,
  onEveryRows?: { rows: number; call: () => void },
): Promise<StreamedExport> {
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path, headers: { authorization: t.auth('viewer') } }, (res) => {
      const result: StreamedExport = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        rows: 0,
        lastRow: undefined,
        manifest: undefined,
        bytes: 0,
        firstByteAt: 0,
        endedAt: 0,
      };
      let partial = '';
      let prevHash = GENESIS_HASH;
      const onLine = (line: string) => {
        const parsed = JSON.parse(line) as StoredEvent | { manifest: Manifest };
        if ('manifest' in parsed) {
          result.manifest = parsed.manifest;
          return;
        }
        if (result.manifest !== undefined) throw new Error('a row after the manifest');
        const { hash, ...unhashed } = parsed;
        if (parsed.seq !== result.rows + 1) throw new Error(`row ${result.rows + 1} has seq ${parsed.seq}`);
        if (parsed.prevHash !== prevHash) throw new Error(`seq ${parsed.seq}: prevHash does not link`);
        if (eventHash(unhashed) !== hash) throw new Error(`seq ${parsed.seq}: hash does not recompute`);
        prevHash = hash;
        result.rows++;
        result.lastRow = parsed;
        if (onEveryRows !== undefined && result.rows % onEveryRows.rows === 0) onEveryRows.call();
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (result.bytes === 0) {
          result.firstByteAt = performance.now();
          onFirstChunk();
        }
        result.bytes += Buffer.byteLength(chunk);
        const lines = (partial + chunk).split('\n');
        partial = lines.pop()!;
        try {
          lines.forEach(onLine);
        } catch (error) {
          request.destroy();
          reject(error as Error);
        }
      });
      res.on('end', () => {
        result.endedAt = performance.now();
        if (partial !== '') reject(new Error('export did not end with a newline'));
        else resolve(result);
      });
      res.on('error', reject);
    });
    request.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** V8's gc(), switched on at run time: live memory is what is left after a collection. */
function garbageCollector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * Retained heap, not allocation churn: at a few points during the export (the test calls sample()), a
 * full collection, then heapUsed. Peak heapUsed without collecting measures how lazily V8 collects, which
 * varies run to run; what an export must not do is keep what it streamed, and that survives a collection.
 * A handful of collections, not a timer: on a loaded CI machine a big heap makes each one slow.
 */
function sampleMemory() {
  const gc = garbageCollector();
  gc();
  const before = process.memoryUsage();
  const peak = { heapUsed: before.heapUsed, rss: before.rss, external: before.external };
  const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
  return {
    sample: () => {
      gc();
      const now = process.memoryUsage();
      peak.heapUsed = Math.max(peak.heapUsed, now.heapUsed);
      peak.rss = Math.max(peak.rss, now.rss);
      peak.external = Math.max(peak.external, now.external);
    },
    stop: () => ({
      heapBeforeMb: mb(before.heapUsed),
      heapGrowthMb: mb(peak.heapUsed - before.heapUsed),
      rssBeforeMb: mb(before.rss),
      rssGrowthMb: mb(peak.rss - before.rss),
      externalGrowthMb: mb(peak.external - before.external),
    }),
  };
}

describe(`GET /v1/export over ${BIG.toLocaleString('en')} events`, () => {
  const tmp = tempDir();
  const dbPath = join(tmp.dir, 'big.db');
  let t: TestApp;
  let head: { seq: number; hash: string };

  beforeAll(async () => {
    // The app creates and migrates the file; the seeder appends; the restart's catch-up projects it.
    const first = await startTestApp({ dbPath });
    await first.close();
    const seeded = performance.now();
    head = seedFlagEvents(first.dbPath, {
      flags: BIG_FLAGS,
      events: BIG,
      startAt: '2026-01-01T00:00:00.000Z',
      stepMs: 100,
    });
    const started = performance.now();
    t = await startTestApp({ dbPath, clock: first.clock });
    console.log(
      `seeded ${BIG} events in ${Math.round(started - seeded)} ms; restart with catch-up in ${Math.round(performance.now() - started)} ms`,
    );
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    tmp.cleanup();
  });

  it('streams every row and the manifest with flat memory, while health, evaluations and commands are still answered', async () => {
    const memory = sampleMemory();
    const concurrent: Promise<{ what: string; status: number; at: number; body: unknown }>[] = [];
    const timed = (what: string, send: () => Promise<{ status: number; body: unknown }>) =>
      concurrent.push(send().then((res) => ({ what, status: res.status, body: res.body, at: performance.now() })));
    const started = performance.now();
    const streamed = await streamNdjson(
      t,
      '/v1/export',
      () => {
        timed('health', () => t.http().get('/health'));
        timed('evaluate', () =>
          t
            .http()
            .post('/v1/evaluate')
            .set('Authorization', t.auth('evaluator'))
            .send({ flagKey: 'seed-flag-07', context: { userId: 'u-1' } }),
        );
        // Appended after the export read its head: must not appear in it.
        timed('command', () =>
          t.http().post('/v1/flags').set('Authorization', t.auth('editor')).send(releaseFlag('during_export')),
        );
      },
      { rows: 20_000, call: memory.sample },
    );
    const usage = memory.stop();
    const answers = await Promise.all(concurrent);
    console.log(
      `exported ${streamed.rows} rows (${Math.round(streamed.bytes / 1024 / 1024)} MB) in ${Math.round(streamed.endedAt - started)} ms; memory ${JSON.stringify(usage)}; ` +
        `answered during the stream: ${answers.map((a) => `${a.what} +${Math.round(a.at - streamed.firstByteAt)} ms`).join(', ')}`,
    );

    expect(streamed.status).toBe(200);
    expect(streamed.rows).toBe(BIG);
    expect(streamed.lastRow).toMatchObject({ seq: head.seq, hash: head.hash });
    expect(streamed.manifest).toMatchObject({
      count: BIG,
      firstSeq: 1,
      lastSeq: head.seq,
      headSeq: head.seq,
      headHash: head.hash,
      filters: {},
    });
    // The restart's catch-up signed a checkpoint at every CHECKPOINT_EVERY-th seeded event, the head among
    // them (BIG is a multiple), so the manifest must name that one, and the last row vouches for it.
    expect(head.seq % CHECKPOINT_EVERY).toBe(0);
    expect(streamed.manifest!.checkpoint).toEqual({
      seq: head.seq,
      hash: head.hash,
      at: streamed.lastRow!.at,
      signature: expect.any(String),
      keyId: expect.any(String),
    });

    for (const answer of answers) {
      expect({ what: answer.what, status: answer.status }).toEqual({
        what: answer.what,
        status: answer.what === 'command' ? 201 : 200,
      });
      expect(answer.at).toBeLessThan(streamed.endedAt);
    }
    expect(answers.find((a) => a.what === 'command')!.body).toMatchObject({ event: { seq: head.seq + 1 } });

    expect(usage.heapGrowthMb).toBeLessThan(HEAP_GROWTH_BOUND_MB);
  }, 120_000);

  it('stops reading while the client does not read, and closes the cursor when the client disconnects', async () => {
    const cursor = watchCursor(t);
    try {
      const response = await openExport(t, '/v1/export?format=csv');
      try {
        expect(response.statusCode).toBe(200);
        response.pause();
        // Let the socket buffers fill, until the server stops pulling rows.
        let pulledWhilePaused = -1;
        for (let i = 0; i < 50 && cursor.pulled !== pulledWhilePaused; i++) {
          pulledWhilePaused = cursor.pulled;
          await sleep(200);
        }
        await sleep(300);
        console.log(`rows pulled while the client read nothing: ${pulledWhilePaused} of ${BIG + 1}`);
        // Only what fits the socket buffers was read, and nothing more while the client stayed idle.
        expect(pulledWhilePaused).toBeLessThan(BIG / 2);
        expect(cursor.pulled).toBe(pulledWhilePaused);
        expect(cursor.closed).toBe(false);
      } finally {
        response.destroy();
      }
      const deadline = Date.now() + 5_000;
      while (!cursor.closed && Date.now() < deadline) await sleep(10);
      expect(cursor.closed).toBe(true);
      expect(cursor.pulled).toBeLessThan(BIG / 2);
      // The server is fine afterwards.
      await t.http().get('/health').expect(200);
    } finally {
      cursor.restore();
    }
  });

  it('cuts the connection, instead of ending the file cleanly, when reading the log fails after streaming started', async () => {
    const cursor = watchCursor(t, { failAfter: 5_000 });
    try {
      const response = await openExport(t, '/v1/export');
      expect(response.statusCode).toBe(200);
      const outcome = await new Promise<{ completed: boolean; text: string }>((resolve) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ completed: true, text }));
        response.on('error', () => resolve({ completed: false, text }));
      });
      expect(outcome.completed).toBe(false);
      expect(outcome.text).not.toContain('"manifest"');
      expect(cursor.closed).toBe(true);
      await t.http().get('/health').expect(200);
    } finally {
      cursor.restore();
    }
  });

  it('answers 500 problem+json, not an attachment, when reading the log fails before anything was sent', async () => {
    const cursor = watchCursor(t, { failAfter: 0 });
    try {
      const res = await t.http().get('/v1/export?format=csv').set('Authorization', t.auth('viewer'));
      expectProblem(res, 500);
      expect(res.headers['content-disposition']).toBeUndefined();
    } finally {
      cursor.restore();
    }
  });
});

function openExport(t: TestApp, path: string): Promise<IncomingMessage> {
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, headers: { authorization: t.auth('viewer') } }, resolve)
      .on('error', reject);
  });
}

/**
 * Wraps the running app's EventStore.iterate to watch its cursor: rows pulled, whether it was closed,
 * and optionally a read failure after `failAfter` rows. restore() puts the real method back.
 */
function watchCursor(t: TestApp, options: { failAfter?: number } = {}) {
  const store = t.app.get<EventStore>(EVENT_STORE);
  const original = store.iterate;
  const real = original.bind(store);
  const cursor = {
    pulled: 0,
    closed: false,
    restore: () => {
      Reflect.deleteProperty(store, 'iterate');
      expect(store.iterate).toBe(original);
    },
  };
  store.iterate = (filter: EventFilter) =>
    (async function* watched() {
      try {
        for await (const event of real(filter)) {
          if (cursor.pulled === options.failAfter) throw new Error('disk I/O error (injected by the test)');
          cursor.pulled++;
          yield event;
        }
      } finally {
        cursor.closed = true;
      }
    })();
  return cursor;
}
