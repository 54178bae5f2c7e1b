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
});
