import { releaseFlag } from '../support/flags.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('README walk-through: release new_payment_processor to 10 %, evaluate, kill it, read history', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('records each step with its actor and answers evaluations from the new state at once', async () => {
    const created = await t
      .http()
      .post('/v1/flags')
      .set('Authorization', t.auth('editor'))
      .send(
        releaseFlag('new_payment_processor', {
          description: 'Route orders to the new processor',
          reason: 'PAY-123 rollout',
        }),
      );
    expect(created.status).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    expect(created.body.flag).toMatchObject({
      key: 'new_payment_processor',
      type: 'release',
      enabled: false,
      rolloutPercentage: 100,
      killSwitch: false,
      createdBy: 'alice',
      version: 1,
    });
    expect(created.body.event).toMatchObject({
      seq: 1,
      type: 'FlagCreated',
      actor: 'alice',
      reason: 'PAY-123 rollout',
      version: 1,
    });

    const rollout = await t
      .http()
      .put('/v1/flags/new_payment_processor/rollout')
      .set('Authorization', t.auth('editor'))
      .send({ percentage: 10, reason: 'start small' });
    expect(rollout.status).toBe(200);
    expect(rollout.body.event).toMatchObject({ type: 'FlagRolloutChanged', data: { from: 100, to: 10 } });

    const enabled = await t
      .http()
      .post('/v1/flags/new_payment_processor/enable')
      .set('Authorization', t.auth('admin'))
      .send({ reason: 'go' });
    expect(enabled.status).toBe(200);
    expect(enabled.body.flag).toMatchObject({ enabled: true, rolloutPercentage: 10, version: 3 });

    // Find one user inside the 10 % and one outside, then check the server agrees with the bucket.
    const userIds = Array.from({ length: 40 }, (_, i) => `user-${i + 1}`);
    const answers = await Promise.all(
      userIds.map((userId) =>
        t
          .http()
          .post('/v1/evaluate')
          .set('Authorization', t.auth('evaluator'))
          .send({ flagKey: 'new_payment_processor', context: { userId } }),
      ),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body.flagVersion).toBe(3);
      expect(answer.body.enabled).toBe(answer.body.bucket <= 10);
      expect(answer.body.reason).toBe(answer.body.bucket <= 10 ? 'ROLLOUT_IN' : 'ROLLOUT_OUT');
    }
    expect(answers.some((a) => a.body.enabled)).toBe(true);

    const killed = await t
      .http()
      .post('/v1/flags/new_payment_processor/kill-switch/engage')
      .set('Authorization', t.auth('editor'))
      .send({ reason: 'processor timeouts' });
    expect(killed.status).toBe(200);
    expect(killed.body.flag.killSwitch).toBe(true);
    const insideUser = userIds[answers.findIndex((a) => a.body.enabled)];
    const afterKill = await t
      .http()
      .post('/v1/evaluate')
      .set('Authorization', t.auth('evaluator'))
      .send({ flagKey: 'new_payment_processor', context: { userId: insideUser } });
    expect(afterKill.body).toEqual({
      flagKey: 'new_payment_processor',
      enabled: false,
      reason: 'KILL_SWITCH',
      flagVersion: 4,
    });

    const history = await t
      .http()
      .get('/v1/flags/new_payment_processor/history')
      .set('Authorization', t.auth('viewer'));
    expect(history.status).toBe(200);
    expect(
      history.body.entries.map(
        (e: { seq: number; type: string; actor: string; reason: string | null; from: unknown; to: unknown }) => [
          e.seq,
          e.type,
          e.actor,
          e.reason,
          e.from,
          e.to,
        ],
      ),
    ).toEqual([
      [
        1,
        'FlagCreated',
        'alice',
        'PAY-123 rollout',
        null,
        expect.objectContaining({ key: 'new_payment_processor', rolloutPercentage: 100 }),
      ],
      [2, 'FlagRolloutChanged', 'alice', 'start small', 100, 10],
      [3, 'FlagEnabled', 'root', 'go', false, true],
      [4, 'FlagKillSwitchEngaged', 'alice', 'processor timeouts', false, true],
    ]);
  });

  it('step 6: tries the fix in staging, then promotes staging to production with copy-from', async () => {
    const staging = await t
      .as('admin')
      .post('/v1/environments')
      .send({ key: 'staging', name: 'Staging', type: 'staging', reason: 'try changes before production' });
    expect(staging.status).toBe(201);
    const flag = '/v1/environments/staging/flags/new_payment_processor';
    for (const [path, body] of [
      [`${flag}/rollout`, { percentage: 50, reason: 'fixed timeouts, try half' }],
      [`${flag}/enable`, { reason: 'staging test' }],
    ] as const) {
      const res = await t.as('editor')[path.endsWith('rollout') ? 'put' : 'post'](path).send(body);
      expect(res.status).toBe(200);
    }
    // Production still has its kill switch; staging answers from its own state.
    const inStaging = await t
      .as('evaluator')
      .post('/v1/environments/staging/evaluate')
      .send({ flagKey: 'new_payment_processor', context: { userId: 'user-42' } });
    expect(inStaging.body.reason).not.toBe('KILL_SWITCH');
    const promoted = await t
      .as('editor')
      .post('/v1/environments/production/flags/new_payment_processor/copy-from/staging')
      .set('If-Match', '"6"')
      .send({ reason: 'staging looks good, INC-7 fixed' });
    expect(promoted.status).toBe(200);
    expect(promoted.body.event).toMatchObject({
      type: 'FlagStateCopied',
      version: 7,
      data: {
        environment: 'production',
        sourceEnvironment: 'staging',
        from: { enabled: true, rolloutPercentage: 10, killSwitch: true },
        to: { enabled: true, rolloutPercentage: 50, killSwitch: false },
      },
    });
    const side = await t.as('viewer').get('/v1/flags/new_payment_processor/environments');
    expect(side.body.environments).toMatchObject({
      production: { enabled: true, rolloutPercentage: 50, killSwitch: false },
      staging: { enabled: true, rolloutPercentage: 50, killSwitch: false },
    });
  });
});
