import { REPORTABLE_REASONS } from '../../src/evaluation/evaluation-report.request.dto.js';
import { EvaluationTelemetry } from '../../src/telemetry/evaluation-telemetry.js';
import { createFlag } from '../support/flags.js';
import { queryRows } from '../support/raw-database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/*
 * Issue 11, item 8: an evaluator token chooses the keys it evaluates and reports. Keys that are no flag
 * must all land in one `(unknown)` series and row, or random keys grow /metrics and the tables forever.
 */

const UNKNOWN_KEYS = 10_000;
/** Enough to keep the server busy without crowding the machine's two cores. */
const CONCURRENCY = 8;
/** Report lines per request: 2,500 lines stay well under the 1 MB body limit. */
const REPORT_BATCH = 2_500;

/**
 * The scrape's series (name and labels, without the value), except the runtime's own
 * (flagledger_process_*): GC kinds and handle types appear with load, whatever keys were evaluated.
 */
function seriesOf(metrics: string): string[] {
  return metrics
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('flagledger_process_'))
    .map((line) => line.slice(0, line.lastIndexOf(' ')));
}

function evaluationCount(metrics: string, flag: string, reason: string): number | undefined {
  const result = String(reason === 'ROLLOUT_FULL' || reason === 'ROLLOUT_IN');
  const series = `flagledger_evaluations_total{flag="${flag}",reason="${reason}",result="${result}"} `;
  const line = metrics.split('\n').find((l) => l.startsWith(series));
  return line === undefined ? undefined : Number(line.slice(series.length));
}

async function telemetryRowCounts(t: TestApp): Promise<{ counts: number; last: number }> {
  const [counts] = await queryRows<{ n: number }>(t.dbPath, 'SELECT count(*) AS n FROM flag_evaluation_counts');
  const [last] = await queryRows<{ n: number }>(t.dbPath, 'SELECT count(*) AS n FROM flag_last_evaluated');
  return { counts: Number(counts!.n), last: Number(last!.n) };
}

async function countRowsOf(t: TestApp, flagKey: string): Promise<{ reason: string; count: number }[]> {
  return (
    await queryRows<{ flag_key: string; reason: string; count: number }>(
      t.dbPath,
      'SELECT flag_key, reason, count FROM flag_evaluation_counts ORDER BY reason',
    )
  )
    .filter((row) => row.flag_key === flagKey)
    .map(({ reason, count }) => ({ reason, count: Number(count) }));
}

async function distinctKeys(t: TestApp): Promise<string[]> {
  const rows = await queryRows<{ flag_key: string }>(
    t.dbPath,
    'SELECT flag_key FROM flag_evaluation_counts UNION SELECT flag_key FROM flag_last_evaluated',
  );
  return rows.map((row) => row.flag_key).sort();
}

/** What the bound is about: the series in /metrics and the rows in both telemetry tables, after a flush. */
async function footprint(t: TestApp) {
  await t.app.get(EvaluationTelemetry).flush();
  const metrics = (await t.http().get('/metrics').expect(200)).text;
  return { metrics, series: seriesOf(metrics), rows: await telemetryRowCounts(t) };
}

/** Runs `task` for 0…n-1, `concurrency` at a time. */
async function inParallel(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await task(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Over fetch's kept-alive connections: ten thousand supertest requests would each open one. */
async function evaluate(t: TestApp, flagKey: string): Promise<{ reason: string }> {
  const res = await fetch(`${t.url}/v1/evaluate`, {
    method: 'POST',
    headers: { authorization: t.auth('evaluator'), 'content-type': 'application/json' },
    body: JSON.stringify({ flagKey, context: { userId: 'u1' } }),
  });
  const body = (await res.json()) as { reason: string };
  if (res.status !== 200) throw new Error(`evaluate ${flagKey}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

interface ReportLine {
  flagKey: string;
  reason: string;
  count: number;
  lastEvaluatedAt: string;
}

async function report(t: TestApp, evaluations: ReportLine[]): Promise<void> {
  for (let i = 0; i < evaluations.length; i += REPORT_BATCH)
    await t
      .http()
      .post('/v1/telemetry/evaluations')
      .set('Authorization', t.auth('evaluator'))
      .send({ evaluations: evaluations.slice(i, i + REPORT_BATCH) })
      .expect(202);
}

describe('telemetry of keys that are no flag (bounded)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
    await createFlag(t, 'checkout', { enabled: true });
  });
  afterEach(() => t.close());

  it(`counts ${UNKNOWN_KEYS} distinct unknown keys evaluated over HTTP in one series and one row`, async () => {
    await evaluate(t, 'checkout');
    const known = await footprint(t);

    expect((await evaluate(t, 'unknown-0')).reason).toBe('FLAG_NOT_FOUND');
    const first = await footprint(t);
    // The first unknown key adds the one (unknown) series and one row per table, like a new flag would.
    expect(first.series.filter((s) => !known.series.includes(s))).toEqual([
      'flagledger_evaluations_total{flag="(unknown)",reason="FLAG_NOT_FOUND",result="false"}',
    ]);
    expect(first.rows).toEqual({ counts: known.rows.counts + 1, last: known.rows.last + 1 });

    await inParallel(UNKNOWN_KEYS - 1, CONCURRENCY, async (i) => {
      await evaluate(t, `unknown-${i + 1}`);
    });
    const telemetry = t.app.get(EvaluationTelemetry);
    // Nothing kept in memory per key either, before the flush and after it.
    expect(telemetry.pendingOf('unknown-1')).toBeUndefined();
    expect(telemetry.pendingOf('(unknown)')).toBeDefined();
    const after = await footprint(t);
    expect([...telemetry.totalsSinceStart().keys()].sort()).toEqual(['(unknown)', 'checkout']);

    expect(after.series).toEqual(first.series);
    expect(after.series).toHaveLength(first.series.length);
    expect(after.rows).toEqual(first.rows);
    expect(evaluationCount(after.metrics, '(unknown)', 'FLAG_NOT_FOUND')).toBe(UNKNOWN_KEYS);
    expect(evaluationCount(after.metrics, 'checkout', 'ROLLOUT_FULL')).toBe(1);
    expect(await countRowsOf(t, '(unknown)')).toEqual([{ reason: 'FLAG_NOT_FOUND', count: UNKNOWN_KEYS }]);
    expect(await distinctKeys(t)).toEqual(['(unknown)', 'checkout']);
  }, 60_000);

  it(`counts SDK reports of ${UNKNOWN_KEYS} distinct unknown keys in one series and one row per reason`, async () => {
    const at = t.clock.now().toISOString();
    const line = (i: number, reason = 'FLAG_NOT_FOUND'): ReportLine => ({
      flagKey: `sdk-unknown-${i}`,
      reason,
      count: (i % 3) + 1,
      lastEvaluatedAt: at,
    });
    await report(t, [{ flagKey: 'checkout', reason: 'ROLLOUT_FULL', count: 1, lastEvaluatedAt: at }]);
    const known = await footprint(t);

    await report(t, [line(0)]);
    const first = await footprint(t);
    expect(first.series.filter((s) => !known.series.includes(s))).toEqual([
      'flagledger_evaluations_total{flag="(unknown)",reason="FLAG_NOT_FOUND",result="false"}',
    ]);
    expect(first.rows).toEqual({ counts: known.rows.counts + 1, last: known.rows.last + 1 });

    const rest = Array.from({ length: UNKNOWN_KEYS - 1 }, (_, i) => line(i + 1));
    await report(t, rest);
    const after = await footprint(t);
    expect(after.series).toEqual(first.series);
    expect(after.rows).toEqual(first.rows);
    const reported = line(0).count + rest.reduce((n, l) => n + l.count, 0);
    expect(evaluationCount(after.metrics, '(unknown)', 'FLAG_NOT_FOUND')).toBe(reported);
    expect(await countRowsOf(t, '(unknown)')).toEqual([{ reason: 'FLAG_NOT_FOUND', count: reported }]);
    expect(await distinctKeys(t)).toEqual(['(unknown)', 'checkout']);

    // The reason is the only other label an SDK chooses, from a fixed list: at most one series per reason.
    await report(
      t,
      Array.from({ length: 900 }, (_, i) => line(UNKNOWN_KEYS + i, REPORTABLE_REASONS[i % REPORTABLE_REASONS.length])),
    );
    const allReasons = await footprint(t);
    expect(allReasons.series.filter((s) => s.includes('flag="(unknown)"'))).toHaveLength(REPORTABLE_REASONS.length);
    expect(allReasons.series).toHaveLength(first.series.length + REPORTABLE_REASONS.length - 1);
    expect(allReasons.rows).toEqual({
      counts: first.rows.counts + REPORTABLE_REASONS.length - 1,
      last: first.rows.last,
    });
  }, 60_000);

  it('gives every flag, archived ones included, its own series and row; a key created later counts under it from then on', async () => {
    await createFlag(t, 'retired');
    await t.http().post('/v1/flags/retired/archive').set('Authorization', t.auth('editor')).expect(200);
    for (let i = 0; i < 3; i++) await evaluate(t, 'checkout');
    for (let i = 0; i < 2; i++) expect((await evaluate(t, 'retired')).reason).toBe('ARCHIVED');
    expect((await evaluate(t, 'later')).reason).toBe('FLAG_NOT_FOUND');
    const at = t.clock.now().toISOString();
    await report(t, [
      { flagKey: 'checkout', reason: 'ROLLOUT_FULL', count: 5, lastEvaluatedAt: at },
      { flagKey: 'retired', reason: 'ARCHIVED', count: 4, lastEvaluatedAt: at },
    ]);
    await createFlag(t, 'later'); // disabled
    for (let i = 0; i < 2; i++) expect((await evaluate(t, 'later')).reason).toBe('DISABLED');

    const { metrics } = await footprint(t);
    expect(evaluationCount(metrics, 'checkout', 'ROLLOUT_FULL')).toBe(3 + 5);
    expect(evaluationCount(metrics, 'retired', 'ARCHIVED')).toBe(2 + 4);
    expect(evaluationCount(metrics, 'later', 'DISABLED')).toBe(2);
    // Its one evaluation before it existed stays where it was counted.
    expect(evaluationCount(metrics, '(unknown)', 'FLAG_NOT_FOUND')).toBe(1);
    expect(evaluationCount(metrics, 'later', 'FLAG_NOT_FOUND')).toBeUndefined();
    expect(await countRowsOf(t, 'checkout')).toEqual([{ reason: 'ROLLOUT_FULL', count: 8 }]);
    expect(await countRowsOf(t, 'retired')).toEqual([{ reason: 'ARCHIVED', count: 6 }]);
    expect(await countRowsOf(t, 'later')).toEqual([{ reason: 'DISABLED', count: 2 }]);
    expect(await countRowsOf(t, '(unknown)')).toEqual([{ reason: 'FLAG_NOT_FOUND', count: 1 }]);
    expect(await distinctKeys(t)).toEqual(['(unknown)', 'checkout', 'later', 'retired']);
    const read = await t.http().get('/v1/flags/later').set('Authorization', t.auth('viewer')).expect(200);
    expect(read.body.evaluations).toEqual({ last24h: 2, last7d: 2, last30d: 2 });
  });

  it('keeps counts for the hours flag reads show only: reported times older than 30 days add no row, yet move lastEvaluatedAt', async () => {
    const now = t.clock.now().getTime();
    const hoursAgo = (h: number) => new Date(now - h * 3_600_000).toISOString();
    await report(t, [{ flagKey: 'checkout', reason: 'ROLLOUT_FULL', count: 1, lastEvaluatedAt: hoursAgo(0) }]);
    const before = await footprint(t);

    // 5,000 distinct hours, all before the 30-day window: one evaluation each.
    const old = Array.from({ length: 5_000 }, (_, i) => ({
      flagKey: 'checkout',
      reason: 'ROLLOUT_FULL',
      count: 1,
      lastEvaluatedAt: hoursAgo(24 * 30 + 1 + i),
    }));
    await report(t, old);
    const after = await footprint(t);
    expect(after.rows).toEqual(before.rows);
    // Still counted since start (one series), and shown in no window.
    expect(evaluationCount(after.metrics, 'checkout', 'ROLLOUT_FULL')).toBe(1 + 5_000);
    const read = await t.http().get('/v1/flags/checkout').set('Authorization', t.auth('viewer')).expect(200);
    expect(read.body.evaluations).toEqual({ last24h: 1, last7d: 1, last30d: 1 });

    // The last hour inside the window still gets its row; a flag only reported long ago still shows when.
    await report(t, [
      { flagKey: 'checkout', reason: 'ROLLOUT_FULL', count: 2, lastEvaluatedAt: hoursAgo(24 * 30 - 1) },
    ]);
    expect((await footprint(t)).rows).toEqual({ counts: before.rows.counts + 1, last: before.rows.last });
    await createFlag(t, 'dormant');
    await report(t, [{ flagKey: 'dormant', reason: 'DISABLED', count: 1, lastEvaluatedAt: hoursAgo(24 * 60) }]);
    await footprint(t);
    const dormant = await t.http().get('/v1/flags/dormant').set('Authorization', t.auth('viewer')).expect(200);
    expect(dormant.body).toMatchObject({
      lastEvaluatedAt: hoursAgo(24 * 60),
      evaluations: { last24h: 0, last7d: 0, last30d: 0 },
    });
  });
});
