import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { command as flagCommand, createFlag, releaseFlag } from '../support/flags.js';
import { expectProblem } from '../support/problem.js';
import { eventCount } from '../support/raw-database.js';
import { tempDir } from '../support/temp-dir.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TOKENS } from '../support/tokens.js';

/** docs/contract.md §2 over HTTP: every reason, rule order, the flag version that decided, Unleash-identical buckets. */

const unleashUtil = createRequire(import.meta.url)('unleash-client/lib/strategy/util') as {
  normalizedStrategyValue(id: string, groupId: string): number;
};
const unleashBucket = (userId: string, flagKey: string): number => unleashUtil.normalizedStrategyValue(userId, flagKey);

interface Answer {
  flagKey: string;
  enabled: boolean;
  reason: string;
  bucket?: number;
  flagVersion: number | null;
}

type Context = { userId?: string | null; segment?: string | null };

/**
 * A keep-alive HTTP client with bounded concurrency for the thousands of evaluations of the split test
 * (supertest opens a connection per request, which would dominate the run time).
 */
function fastClient(t: TestApp) {
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const post = (path: string, body: unknown): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const payload = JSON.stringify(body);
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path,
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            authorization: `Bearer ${TOKENS.evaluator.secret}`,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode !== 200) reject(new Error(`${path} answered ${res.statusCode}: ${text}`));
            else resolve(JSON.parse(text));
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  const map = async <T, R>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> => {
    const results = new Array<R>(items.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < items.length) {
          const i = next++;
          results[i] = await fn(items[i]!);
        }
      }),
    );
    return results;
  };
  return { post, map, close: () => agent.destroy() };
}

describe('evaluation over HTTP (docs/contract.md §2)', () => {
  const tmp = tempDir();
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ dbPath: join(tmp.dir, 'evaluation.db') });
  });
  afterAll(async () => {
    await t.close();
    tmp.cleanup();
  });

  const create = async (key: string, overrides: Record<string, unknown> = {}) => {
    await createFlag(t, key, overrides);
  };
  /** Runs a command and returns the flag's new version. */
  const command = async (method: 'post' | 'put', path: string, body: Record<string, unknown> = {}) =>
    (await flagCommand(t, method, `/v1/flags/${path}`, body)).flag.version;

  async function currentVersion(key: string): Promise<number> {
    const res = await t.http().get(`/v1/flags/${key}`).set('Authorization', t.auth('viewer'));
    expect(res.status).toBe(200);
    return res.body.version as number;
  }

  async function evaluate(flagKey: string, context?: Context): Promise<Answer> {
    const res = await t
      .http()
      .post('/v1/evaluate')
      .set('Authorization', t.auth('evaluator'))
      .send(context === undefined ? { flagKey } : { flagKey, context });
    expect(res.status).toBe(200);
    return res.body as Answer;
  }

  /** Asserts the exact answer (no stray bucket) and that it names the flag's current version. */
  async function expectAnswer(
    flagKey: string,
    context: Context | undefined,
    enabled: boolean,
    reason: string,
  ): Promise<void> {
    const answer = await evaluate(flagKey, context);
    expect(answer).toEqual({ flagKey, enabled, reason, flagVersion: await currentVersion(flagKey) });
  }

  describe('each reason, in rule order', () => {
    it('answers FLAG_NOT_FOUND with flagVersion null for an unknown key', async () => {
      const answer = await evaluate('never-created', { userId: 'u-1', segment: 'beta' });
      expect(answer).toEqual({ flagKey: 'never-created', enabled: false, reason: 'FLAG_NOT_FOUND', flagVersion: null });
    });

    it('answers ARCHIVED while archived, ahead of the kill switch, and evaluates again once restored', async () => {
      await create('archivable', { enabled: true });
      await expectAnswer('archivable', { userId: 'u-1' }, true, 'ROLLOUT_FULL');
      await command('post', 'archivable/archive');
      await expectAnswer('archivable', { userId: 'u-1' }, false, 'ARCHIVED');
      await command('post', 'archivable/restore');
      await expectAnswer('archivable', { userId: 'u-1' }, true, 'ROLLOUT_FULL');

      // An archived flag whose kill switch is also engaged is still reported as archived (rule 1 before 2).
      await command('post', 'archivable/kill-switch/engage');
      await command('post', 'archivable/archive');
      await expectAnswer('archivable', { userId: 'u-1' }, false, 'ARCHIVED');
    });

    it('answers KILL_SWITCH over every other rule while engaged, and the normal answer once released', async () => {
      await create('killable', { enabled: true, targetSegments: ['beta'], rolloutPercentage: 100 });
      const matching = { userId: 'u-1', segment: 'beta' };
      await expectAnswer('killable', matching, true, 'ROLLOUT_FULL');
      const v = await command('post', 'killable/kill-switch/engage');
      expect(v).toBe(2);
      // Would be ROLLOUT_FULL, SEGMENT_MISMATCH, MISSING_USER_ID, ROLLOUT_OUT, DISABLED: the kill switch wins each time.
      await expectAnswer('killable', matching, false, 'KILL_SWITCH');
      await expectAnswer('killable', { userId: 'u-1', segment: 'other' }, false, 'KILL_SWITCH');
      await expectAnswer('killable', undefined, false, 'KILL_SWITCH');
      await command('put', 'killable/rollout', { percentage: 50 });
      await expectAnswer('killable', { segment: 'beta' }, false, 'KILL_SWITCH');
      await command('put', 'killable/rollout', { percentage: 0 });
      await expectAnswer('killable', matching, false, 'KILL_SWITCH');
      await command('post', 'killable/disable');
      await expectAnswer('killable', matching, false, 'KILL_SWITCH');

      await command('post', 'killable/kill-switch/release');
      await expectAnswer('killable', matching, false, 'DISABLED');
      await command('post', 'killable/enable');
      await command('put', 'killable/rollout', { percentage: 100 });
      await expectAnswer('killable', matching, true, 'ROLLOUT_FULL');
    });

    it('answers DISABLED while disabled whatever the context, and evaluates the rollout once enabled', async () => {
      await create('switchable', { targetSegments: ['beta'] });
      await expectAnswer('switchable', { userId: 'u-1', segment: 'beta' }, false, 'DISABLED');
      await expectAnswer('switchable', { segment: 'nope' }, false, 'DISABLED');
      await command('post', 'switchable/enable');
      await expectAnswer('switchable', { userId: 'u-1', segment: 'beta' }, true, 'ROLLOUT_FULL');
      await command('post', 'switchable/disable');
      await expectAnswer('switchable', { userId: 'u-1', segment: 'beta' }, false, 'DISABLED');
    });

    it('answers SEGMENT_MISMATCH for an absent or foreign segment, ahead of the rollout rules, and matches a listed one', async () => {
      await create('segmented', { enabled: true, targetSegments: ['beta', 'staff'] });
      await expectAnswer('segmented', { userId: 'u-1' }, false, 'SEGMENT_MISMATCH');
      await expectAnswer('segmented', undefined, false, 'SEGMENT_MISMATCH');
      await expectAnswer('segmented', { userId: 'u-1', segment: 'gamma' }, false, 'SEGMENT_MISMATCH');
      await expectAnswer('segmented', { userId: 'u-1', segment: 'Beta' }, false, 'SEGMENT_MISMATCH');
      await expectAnswer('segmented', { userId: 'u-1', segment: 'staff' }, true, 'ROLLOUT_FULL');
      await expectAnswer('segmented', { segment: 'beta' }, true, 'ROLLOUT_FULL');

      // The segment rule comes before the 0 % and the missing-user rules.
      await command('put', 'segmented/rollout', { percentage: 0 });
      await expectAnswer('segmented', { userId: 'u-1', segment: 'gamma' }, false, 'SEGMENT_MISMATCH');
      await command('put', 'segmented/rollout', { percentage: 50 });
      await expectAnswer('segmented', {}, false, 'SEGMENT_MISMATCH');
      await expectAnswer('segmented', { segment: 'beta' }, false, 'MISSING_USER_ID');

      // Without target segments the segment no longer matters.
      await command('put', 'segmented/rollout', { percentage: 100 });
      await command('put', 'segmented/segments', { segments: [] });
      await expectAnswer('segmented', { userId: 'u-1' }, true, 'ROLLOUT_FULL');
      await expectAnswer('segmented', { userId: 'u-1', segment: 'gamma' }, true, 'ROLLOUT_FULL');
    });

    it('answers ROLLOUT_FULL at 100 % and ROLLOUT_OUT at 0 %, with no bucket and without needing a userId', async () => {
      await create('full-or-nothing', { enabled: true, rolloutPercentage: 100 });
      for (const context of [undefined, {}, { userId: '' }, { userId: 'u-1' }]) {
        await expectAnswer('full-or-nothing', context, true, 'ROLLOUT_FULL');
      }
      await command('put', 'full-or-nothing/rollout', { percentage: 0 });
      for (const context of [undefined, {}, { userId: '' }, { userId: 'u-1' }, { userId: 'anyone-at-all' }]) {
        await expectAnswer('full-or-nothing', context, false, 'ROLLOUT_OUT');
      }
    });

    it('answers MISSING_USER_ID for a partial rollout without a userId or with an empty one, never a random answer', async () => {
      await create('needs-user', { enabled: true, rolloutPercentage: 50 });
      for (let i = 0; i < 3; i++) {
        await expectAnswer('needs-user', undefined, false, 'MISSING_USER_ID');
        await expectAnswer('needs-user', {}, false, 'MISSING_USER_ID');
        await expectAnswer('needs-user', { userId: '' }, false, 'MISSING_USER_ID');
        await expectAnswer('needs-user', { userId: null }, false, 'MISSING_USER_ID');
      }
      const withUser = await evaluate('needs-user', { userId: 'u-1' });
      expect(['ROLLOUT_IN', 'ROLLOUT_OUT']).toContain(withUser.reason);
      expect(withUser.bucket).toBe(unleashBucket('u-1', 'needs-user'));
    });

    it('answers ROLLOUT_IN exactly when bucket <= percentage and ROLLOUT_OUT otherwise, each carrying the bucket', async () => {
      await create('partial', { enabled: true, rolloutPercentage: 37 });
      const users = Array.from({ length: 200 }, (_, i) => `user-${i}`);
      const answers = await Promise.all(users.map((userId) => evaluate('partial', { userId })));
      answers.forEach((answer, i) => {
        const bucket = unleashBucket(users[i]!, 'partial');
        expect(answer).toEqual({
          flagKey: 'partial',
          enabled: bucket <= 37,
          reason: bucket <= 37 ? 'ROLLOUT_IN' : 'ROLLOUT_OUT',
          bucket,
          flagVersion: 1,
        });
      });
      expect(answers.some((a) => a.reason === 'ROLLOUT_IN')).toBe(true);
      expect(answers.some((a) => a.reason === 'ROLLOUT_OUT')).toBe(true);

      // Raising the percentage only ever adds users (same buckets, new version).
      const v = await command('put', 'partial/rollout', { percentage: 80 });
      const raised = await Promise.all(users.map((userId) => evaluate('partial', { userId })));
      raised.forEach((answer, i) => {
        expect(answer.flagVersion).toBe(v);
        expect(answer.bucket).toBe(answers[i]!.bucket);
        expect(answer.enabled).toBe(answer.bucket! <= 80);
        if (answers[i]!.enabled) expect(answer.enabled).toBe(true);
      });
    });
  });

  describe('POST /v1/evaluate/all', () => {
    it('returns every non-archived flag for one context, each with its deciding version, and the headSeq of the log', async () => {
      await create('all-a', { enabled: true });
      await create('all-b', { enabled: true, rolloutPercentage: 40 });
      await create('all-archived', { enabled: true });
      await command('post', 'all-archived/archive');

      const context = { userId: 'user-42', segment: 'beta' };
      const res = await t.http().post('/v1/evaluate/all').set('Authorization', t.auth('evaluator')).send({ context });
      expect(res.status).toBe(200);
      expect(res.body.headSeq).toBe(eventCount(t.dbPath));

      const list = await t.http().get('/v1/flags').set('Authorization', t.auth('viewer'));
      const liveKeys = (list.body.flags as { key: string; archived: boolean }[]).map((f) => f.key).sort();
      const results = res.body.results as Answer[];
      expect(results.map((r) => r.flagKey).sort()).toEqual(liveKeys);
      expect(results.map((r) => r.flagKey)).toEqual(expect.arrayContaining(['all-a', 'all-b']));
      expect(results.map((r) => r.flagKey)).not.toContain('all-archived');

      // Each entry is exactly what /v1/evaluate answers for the same flag and context.
      for (const result of results) {
        expect(typeof result.flagVersion).toBe('number');
        expect(result).toEqual(await evaluate(result.flagKey, context));
      }

      // A restored flag comes back; the headSeq follows the log.
      await command('post', 'all-archived/restore');
      const again = await t.http().post('/v1/evaluate/all').set('Authorization', t.auth('evaluator')).send({ context });
      expect(again.body.headSeq).toBe(eventCount(t.dbPath));
      expect((again.body.results as Answer[]).find((r) => r.flagKey === 'all-archived')).toEqual({
        flagKey: 'all-archived',
        enabled: true,
        reason: 'ROLLOUT_FULL',
        flagVersion: 3,
      });
    });

    it('accepts a request without a context and answers as for an anonymous caller', async () => {
      const res = await t.http().post('/v1/evaluate/all').set('Authorization', t.auth('evaluator')).send({});
      expect(res.status).toBe(200);
      const partial = (res.body.results as Answer[]).find((r) => r.flagKey === 'all-b');
      expect(partial).toMatchObject({ enabled: false, reason: 'MISSING_USER_ID' });
    });
  });

  describe('buckets are Unleash’s normalizedStrategyValue(userId, flagKey)', () => {
    const ids = [
      'user-1',
      'a',
      '123456789',
      'Alice.Smith+flags@example.com',
      'bob@sub.example.co.uk',
      '3f2b9c1e-8a4d-4e2f-9b7a-1c2d3e4f5a6b',
      'F47AC10B-58CC-4372-A567-0E02B2C3D479',
      'zoë',
      'José Álvarez',
      'Ærøskøbing',
      'Straße',
      '用户-42',
      '山田太郎',
      '사용자',
      'Привет',
      '🚀',
      'user-🎉-👩‍💻',
      'ｆｕｌｌ－ｗｉｄｔｈ',
      ' leading and trailing ',
      'x'.repeat(300),
    ];

    it.each(['new_payment_processor', 'a', 'checkout.v2-beta'])(
      'agree for ASCII, e-mail, UUID and non-ASCII ids on flag %s',
      async (flagKey) => {
        await create(flagKey, { enabled: true, rolloutPercentage: 50 });
        const answers = await Promise.all(ids.map((userId) => evaluate(flagKey, { userId })));
        const got = answers.map((a, i) => [ids[i], a.bucket]);
        const expected = ids.map((userId) => [userId, unleashBucket(userId, flagKey)]);
        expect(got).toEqual(expected);
        for (const answer of answers) expect(answer.enabled).toBe(answer.bucket! <= 50);
      },
    );
  });

  describe('request validation', () => {
    const post = (body: unknown) =>
      t
        .http()
        .post('/v1/evaluate')
        .set('Authorization', t.auth('evaluator'))
        .send(body as object);

    it('rejects a body without flagKey with 400 problem+json naming the field', async () => {
      const res = await post({ context: { userId: 'u-1' } });
      expectProblem(res, 400);
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'flagKey' })]));
      expectProblem(await post({ flagKey: '', context: { userId: 'u-1' } }), 400);
      expectProblem(await post({ flagKey: 42 }), 400);
    });

    it('rejects a non-string context.userId with 400', async () => {
      for (const userId of [42, true, { id: 'u-1' }, ['u-1']]) {
        const res = await post({ flagKey: 'partial', context: { userId } });
        expectProblem(res, 400);
        expect(res.body.errors).toEqual(
          expect.arrayContaining([expect.objectContaining({ field: expect.stringContaining('userId') })]),
        );
      }
    });

    it('rejects unknown fields in the context and in the body with 400', async () => {
      const inContext = await post({ flagKey: 'partial', context: { userId: 'u-1', country: 'DE' } });
      expectProblem(inContext, 400);
      expect(inContext.body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: expect.stringContaining('country') })]),
      );
      expectProblem(await post({ flagKey: 'partial', context: { userId: 'u-1' }, extra: true }), 400);
      const all = await t
        .http()
        .post('/v1/evaluate/all')
        .set('Authorization', t.auth('evaluator'))
        .send({ context: { userId: 'u-1', plan: 'pro' } });
      expectProblem(all, 400);
    });

    it('rejects a context that is not an object with 400', async () => {
      expectProblem(await post({ flagKey: 'partial', context: 'u-1' }), 400);
      expectProblem(await post({ flagKey: 'partial', context: ['u-1'] }), 400);
    });
  });
});

describe('evaluation determinism and distribution', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('gives 200 users the same answers and buckets at 37 % after a restart on the same file', async () => {
    const dbPath = join(tmp.dir, 'determinism.db');
    const users = Array.from({ length: 200 }, (_, i) =>
      i % 3 === 0 ? `user-${i}` : i % 3 === 1 ? `${i}@example.com` : `ü-${i}-用户`,
    );
    const evaluateAll = (t: TestApp) =>
      Promise.all(
        users.map((userId) =>
          t
            .http()
            .post('/v1/evaluate')
            .set('Authorization', t.auth('evaluator'))
            .send({ flagKey: 'thirty-seven', context: { userId } }),
        ),
      );

    let t = await startTestApp({ dbPath });
    let before: Answer[];
    try {
      await t
        .http()
        .post('/v1/flags')
        .set('Authorization', t.auth('editor'))
        .send(releaseFlag('thirty-seven', { enabled: true, rolloutPercentage: 37 }))
        .expect(201);
      before = (await evaluateAll(t)).map((r) => r.body as Answer);
    } finally {
      await t.close();
    }
    t = await startTestApp({ dbPath });
    try {
      const after = (await evaluateAll(t)).map((r) => r.body as Answer);
      expect(after).toEqual(before);
    } finally {
      await t.close();
    }
    for (const [i, answer] of before.entries()) {
      expect(answer.bucket).toBe(unleashBucket(users[i]!, 'thirty-seven'));
      expect(answer.flagVersion).toBe(1);
    }
    const share = before.filter((a) => a.enabled).length / before.length;
    expect(share).toBeGreaterThan(0.25);
    expect(share).toBeLessThan(0.5);
  });

  it('enables 10 %, 50 % and 90 % of 10,000 users within ±2 points, every answer consistent with its bucket', async () => {
    const t = await startTestApp({ dbPath: join(tmp.dir, 'split.db') });
    try {
      const percentages = { 'split-10': 10, 'split-50': 50, 'split-90': 90 } as const;
      for (const [key, rolloutPercentage] of Object.entries(percentages)) {
        await t
          .http()
          .post('/v1/flags')
          .set('Authorization', t.auth('editor'))
          .send(releaseFlag(key, { enabled: true, rolloutPercentage }))
          .expect(201);
      }
      const client = fastClient(t);
      const users = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);
      const responses = (await client
        .map(users, 16, (userId) => client.post('/v1/evaluate/all', { context: { userId } }))
        .finally(client.close)) as { headSeq: number; results: Answer[] }[];

      const enabledCount: Record<string, number> = { 'split-10': 0, 'split-50': 0, 'split-90': 0 };
      let inconsistent = 0;
      responses.forEach((res, i) => {
        expect(res.headSeq).toBe(3);
        expect(res.results).toHaveLength(3);
        for (const r of res.results) {
          const p = percentages[r.flagKey as keyof typeof percentages];
          if (r.bucket !== unleashBucket(users[i]!, r.flagKey) || r.enabled !== r.bucket <= p || r.flagVersion !== 1)
            inconsistent++;
          if (r.enabled) enabledCount[r.flagKey]!++;
        }
      });
      expect(inconsistent).toBe(0);
      for (const [key, p] of Object.entries(percentages)) {
        const share = (enabledCount[key]! / users.length) * 100;
        expect({ key, share, within: Math.abs(share - p) <= 2 }).toEqual({ key, share, within: true });
      }
    } finally {
      await t.close();
    }
  }, 90_000);
});
