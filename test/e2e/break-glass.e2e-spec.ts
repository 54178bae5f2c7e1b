import { createFlag } from '../support/flags.js';
import { expectProblem } from '../support/problem.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TOKENS } from '../support/tokens.js';

/** docs/contract.md §10 and issue 15 item 4: a kill switch is never refused, and another person reviews it. */
describe('break glass: a kill switch in a protected environment, and its review', () => {
  let t: TestApp;
  let bob: string;
  beforeAll(async () => {
    t = await startTestApp();
    await createFlag(t, 'checkout', { enabled: true });
    bob = (await t.as('admin').post('/v1/tokens').send({ name: 'bob', role: 'editor' }).expect(201)).body.secret;
    await t.as('admin').patch('/v1/environments/production').send({ requiredApprovals: 2 }).expect(200);
  });
  afterAll(() => t.close());

  const unreviewed = async () => {
    const text = (await t.http().get('/metrics').expect(200)).text;
    return Number(/^flagledger_unreviewed_break_glass (\d+)$/m.exec(text)?.[1]);
  };
  const byBob = (path: string) => t.http().post(path).set('Authorization', `Bearer ${bob}`);

  it('engages at once, opens a review only another person can acknowledge, counted in /metrics until then', async () => {
    expect(await unreviewed()).toBe(0);
    const engaged = await t
      .as('editor')
      .post('/v1/flags/checkout/kill-switch/engage')
      .send({ reason: 'INC-7 payments failing' })
      .expect(200);
    expect(engaged.body.event.data.breakGlass).toBe(true);
    const served = await t
      .as('evaluator')
      .post('/v1/evaluate')
      .send({ flagKey: 'checkout', context: { userId: 'u' } });
    expect(served.body).toMatchObject({ enabled: false, reason: 'KILL_SWITCH' });

    const open = (await t.as('viewer').get('/v1/change-requests?state=needs_review').expect(200)).body.changeRequests;
    const id = `bg_${engaged.body.event.seq}`;
    expect(open).toEqual([
      expect.objectContaining({
        id,
        state: 'needs_review',
        environment: 'production',
        author: TOKENS.editor.name,
        reason: 'INC-7 payments failing',
        breakGlass: { flagKey: 'checkout', seq: engaged.body.event.seq },
      }),
    ]);
    expect(await unreviewed()).toBe(1);

    expectProblem(await t.as('editor').post(`/v1/change-requests/${id}/acknowledge`).send({ comment: 'mine' }), 403, {
      code: 'CHANGE_REQUEST_APPROVAL_REFUSED',
    });
    expectProblem(await byBob(`/v1/change-requests/${id}/acknowledge`).send({}), 400, { field: 'comment' });
    expectProblem(await byBob(`/v1/change-requests/${id}/approve`).send({}), 409, { code: 'CHANGE_REQUEST_STATE' });
    const acknowledged = await byBob(`/v1/change-requests/${id}/acknowledge`)
      .send({ comment: 'right call: processor was down' })
      .expect(200);
    expect(acknowledged.body.event).toMatchObject({
      type: 'ChangeRequestAcknowledged',
      streamId: `change-request:${id}`,
      actor: 'bob',
      data: { id, comment: 'right call: processor was down' },
    });
    expect(acknowledged.body.changeRequest).toMatchObject({ state: 'acknowledged', closedBy: 'bob' });
    expect(await unreviewed()).toBe(0);
    expectProblem(await byBob(`/v1/change-requests/${id}/acknowledge`).send({ comment: 'again' }), 409, {
      code: 'CHANGE_REQUEST_STATE',
    });
  });

  it('keeps open reviews across a restart: they are folded back from the log', async () => {
    await t.as('editor').post('/v1/flags/checkout/kill-switch/release').send({}).expect(409);
    await t.as('admin').patch('/v1/environments/production').send({ requiredApprovals: 0 }).expect(200);
    await t.as('editor').post('/v1/flags/checkout/kill-switch/release').send({}).expect(200);
    await t.as('admin').patch('/v1/environments/production').send({ requiredApprovals: 1 }).expect(200);
    const engaged = await t
      .as('admin')
      .post('/v1/flags/checkout/kill-switch/engage')
      .send({ reason: 'again' })
      .expect(200);
    const { dbPath, clock } = t;
    await t.close();
    t = await startTestApp({ dbPath, clock });
    const open = (await t.as('viewer').get('/v1/change-requests?state=needs_review').expect(200)).body.changeRequests;
    expect(open.map((r: { id: string }) => r.id)).toEqual([`bg_${engaged.body.event.seq}`]);
    expect(await unreviewed()).toBe(1);
    // An engage in an unprotected environment opens nothing.
    await t.as('admin').post('/v1/environments').send({ key: 'staging', name: 'Staging', type: 'staging' }).expect(201);
    await t.as('editor').post('/v1/environments/staging/flags/checkout/kill-switch/engage').send({}).expect(200);
    expect(await unreviewed()).toBe(1);
  });
});
