import { Agent } from 'node:http';
import fc from 'fast-check';
import { releaseFlag, stateOf } from '../support/flags.js';
import { eventCount } from '../support/raw-database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { KNOWN_DEVIATIONS } from './fuzz/known-deviations.js';
import type { Seeded } from './fuzz/parts.js';
import { sendRaw } from './fuzz/raw-http.js';
import { describeResponse, refusalViolation } from './fuzz/refusal.js';
import { malformedRequests, requestsToNowhere, type FuzzRequest } from './fuzz/requests.js';
import { FUZZ_ROUTES, label, NOWHERE_RUNS } from './fuzz/routes.js';

/**
 * Issue 6, "Bad input": a property-based fuzzer sends more than 10,000 malformed requests over real HTTP
 * to every route (wrong types, huge strings, deep JSON, invalid UTF-8, bad headers and tokens, path
 * traversal and prototype-pollution keys). Each must be refused with a 4xx application/problem+json —
 * never a 5xx — and the event log must not grow. OFREP's routes (issue 16) refuse in OFREP's own format
 * instead (refusal.ts): 401/403/429 without a body, other 4xx `{key?, errorCode, errorDetails}`.
 *
 * Replay a failure with the seed it prints: FUZZ_SEED=<seed> npm run test:chaos -- --testPathPatterns fuzz
 * Wrong answers already reported (fuzz/known-deviations.ts) are logged, not failed; FUZZ_STRICT=1 fails them.
 */
const SEED =
  process.env.FUZZ_SEED === undefined
    ? Math.floor(Math.random() * 2 ** 31)
    : Number.parseInt(process.env.FUZZ_SEED, 10);
if (!Number.isSafeInteger(SEED)) throw new Error(`FUZZ_SEED must be an integer, got '${process.env.FUZZ_SEED}'`);
/** Fail on the deviations the server is known to have (known-deviations.ts) instead of logging them. */
const STRICT = process.env.FUZZ_STRICT === '1';
const CONCURRENCY = 12;
/** Each route's runs are split into chunks of this size (each its own fc.assert) so the pool stays busy. */
const CHUNK = 100;

interface Chunk {
  name: string;
  requests: fc.Arbitrary<FuzzRequest>;
  runs: number;
  seed: number;
}

const SEEDED_FLAGS = [
  releaseFlag('fuzz-release'),
  {
    key: 'fuzz-operational',
    type: 'operational',
    owner: 'sre',
    enabled: true,
    rolloutPercentage: 50,
    targetSegments: ['beta'],
  },
  { key: 'fuzz-experiment', type: 'experiment', owner: 'growth', expiresAt: '2027-01-01T00:00:00Z' },
  { key: 'fuzz-permission', type: 'permission', owner: 'iam', killSwitch: true },
  { key: 'fuzz-archived', type: 'operational', owner: 'sre' },
];
const KEYS = SEEDED_FLAGS.map((f) => f.key as string);
/** A change request in review, so `:id` routes reach one: made by the editor, changing every live flag. */
const SEEDED_CHANGE_REQUEST = {
  environment: 'production',
  title: 'fuzz',
  changes: [
    { flagKey: 'fuzz-release', command: 'rollout', value: 50, baseVersion: 2 },
    { flagKey: 'fuzz-operational', command: 'disable', baseVersion: 1 },
    { flagKey: 'fuzz-experiment', command: 'segments', value: ['beta'], baseVersion: 1 },
    { flagKey: 'fuzz-permission', command: 'kill-switch/release', baseVersion: 1 },
  ],
};

/** Each route's runs in chunks of CHUNK, interleaved across routes so every batch in flight mixes them. */
function chunked(groups: ReadonlyArray<{ name: string; requests: fc.Arbitrary<FuzzRequest>; runs: number }>): Chunk[] {
  const perGroup = groups.map((g) =>
    Array.from({ length: Math.ceil(g.runs / CHUNK) }, (_, i) => ({
      name: g.name,
      requests: g.requests,
      runs: Math.min(CHUNK, g.runs - i * CHUNK),
    })),
  );
  const longest = Math.max(...perGroup.map((c) => c.length));
  const order = Array.from({ length: longest }, (_, i) => perGroup.flatMap((c) => c[i] ?? []));
  return order.flat().map((chunk, i) => ({ ...chunk, seed: (SEED + 7919 * i) | 0 }));
}

function describeRequest(req: FuzzRequest): string {
  const body =
    req.body === null
      ? '(no body)'
      : `${req.body.length} bytes${req.chunked ? ', chunked' : ''}: ${req.body.subarray(0, 300).toString('latin1')}`;
  return [
    `faults: ${req.faults.join('; ')}`,
    `request: ${req.method} ${req.target.slice(0, 300)}`,
    ...req.headers.map(([n, v]) => `  ${n}: ${v.slice(0, 200)}`),
    `  body ${body}`,
  ].join('\n    ');
}

describe("bad input: malformed requests to every route are refused in the route's format and write nothing", () => {
  let t: TestApp;
  let agent: Agent;
  let baseline: number;
  let flagsBefore: unknown;
  let seeded: Seeded;
  const prototypeNames = () =>
    [Object.prototype, Array.prototype, Function.prototype].map((p) => Object.getOwnPropertyNames(p).sort().join(','));
  const prototypesBefore = prototypeNames();

  const listFlags = async () => {
    const res = await t.http().get('/v1/flags?includeArchived=true').set('Authorization', t.auth('viewer'));
    return (res.body.flags as object[]).map(stateOf);
  };

  beforeAll(async () => {
    t = await startTestApp();
    agent = new Agent({ keepAlive: true });
    for (const body of SEEDED_FLAGS)
      expect((await t.http().post('/v1/flags').set('Authorization', t.auth('editor')).send(body)).status).toBe(201);
    expect(
      (
        await t
          .http()
          .put('/v1/flags/fuzz-release/rollout')
          .set('Authorization', t.auth('editor'))
          .send({ percentage: 25 })
      ).status,
    ).toBe(200);
    expect(
      (await t.http().post('/v1/flags/fuzz-archived/archive').set('Authorization', t.auth('editor')).send({})).status,
    ).toBe(200);
    const created = await t
      .http()
      .post('/v1/change-requests')
      .set('Authorization', t.auth('editor'))
      .send(SEEDED_CHANGE_REQUEST);
    expect(created.status).toBe(201);
    baseline = eventCount(t.dbPath);
    flagsBefore = await listFlags();
    const flags = (await t.http().get('/v1/flags?includeArchived=true').set('Authorization', t.auth('viewer'))).body
      .flags as Array<{ key: string; version: number; archived: boolean }>;
    seeded = {
      flagKeys: KEYS,
      liveFlags: flags.filter((f) => !f.archived).map(({ key, version }) => ({ key, version })),
      changeRequestIds: [created.body.changeRequest.id as string],
    };
  });

  afterAll(async () => {
    agent?.destroy();
    await t?.close();
  });

  it(`refuses 10,000+ malformed requests with a 4xx problem+json (OFREP's format on /ofrep), never a 5xx (FUZZ_SEED=${SEED})`, async () => {
    const url = new URL(t.url);
    const chunks = chunked([
      ...FUZZ_ROUTES.map((route) => ({
        name: label(route),
        requests: malformedRequests(route, seeded),
        runs: route.runs,
      })),
      { name: 'no such route', requests: requestsToNowhere(), runs: NOWHERE_RUNS },
    ]);

    const failures: string[] = [];
    const failedRoutes = new Set<string>();
    const deviations = new Map<string, { count: number; example: FuzzRequest }>();
    let sent = 0;
    let expectedEvents = baseline;
    const started = performance.now();

    const runChunk = async (chunk: Chunk) => {
      if (failedRoutes.has(chunk.name)) return;
      await fc.assert(
        fc.asyncProperty(chunk.requests, async (req) => {
          sent++;
          const res = await sendRaw(url, agent, req);
          const violation = refusalViolation(res, req.refusal);
          if (violation === undefined) return;
          const known = STRICT ? undefined : KNOWN_DEVIATIONS.find((d) => d.matches(req, res));
          if (known !== undefined) {
            const seen = deviations.get(known.summary);
            deviations.set(known.summary, { count: (seen?.count ?? 0) + 1, example: seen?.example ?? req });
            return;
          }
          throw new Error(`${violation}\n    response: ${describeResponse(res)}`);
        }),
        {
          numRuns: chunk.runs,
          seed: chunk.seed,
          reporter: (run) => {
            if (!run.failed) return;
            failedRoutes.add(chunk.name);
            const error = run.errorInstance instanceof Error ? run.errorInstance.message : String(run.errorInstance);
            const counterexample = run.counterexample?.[0];
            failures.push(
              [
                `${chunk.name}: ${error}`,
                counterexample === undefined ? '(no counterexample)' : describeRequest(counterexample),
                `fast-check seed ${run.seed}, path "${run.counterexamplePath}" (${run.numRuns} runs, ${run.numShrinks} shrinks)`,
              ].join('\n    '),
            );
          },
        },
      );
      // Chunks run side by side, so growth is reported once, naming the chunk that noticed it.
      const events = eventCount(t.dbPath);
      if (events !== expectedEvents)
        failures.push(
          `the events table grew from ${expectedEvents} to ${events} rows by the end of a chunk of ${chunk.name} (or one running beside it)`,
        );
      expectedEvents = events;
    };

    const queue = [...chunks];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let chunk = queue.shift(); chunk !== undefined; chunk = queue.shift()) await runChunk(chunk);
      }),
    );

    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `fuzz: ${sent} requests to ${FUZZ_ROUTES.length} routes and unrouted paths in ${seconds} s (FUZZ_SEED=${SEED})`,
    );
    for (const [summary, { count, example }] of deviations)
      console.warn(
        `fuzz: known server deviation, seen ${count} times (logged, not failed; FUZZ_STRICT=1 fails it): ${summary}\n    e.g. ${describeRequest(example)}`,
      );
    if (failures.length > 0) {
      throw new Error(
        `${failures.length} failure(s); replay with FUZZ_SEED=${SEED} npm run test:chaos -- --testPathPatterns fuzz\n\n${failures.join('\n\n')}`,
      );
    }
    expect(sent).toBeGreaterThanOrEqual(10_000);
  }, 600_000);

  it('leaves the log, the flags and the prototypes as they were, and the chain verifiable', async () => {
    expect(eventCount(t.dbPath)).toBe(baseline);
    expect(await listFlags()).toEqual(flagsBefore);
    const verify = await t.http().get('/v1/audit/verify').set('Authorization', t.auth('viewer'));
    expect(verify.body).toMatchObject({ ok: true, events: baseline });
    expect(prototypeNames()).toEqual(prototypesBefore);
    expect((await t.http().get('/health')).status).toBe(200);
  });
});
