import { command, createFlag } from '../support/flags.js';
import { expectProblem } from '../support/problem.js';
import { eventCount } from '../support/raw-database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TOKENS } from '../support/tokens.js';

/** docs/contract.md §10 and issue 15 item 2: the review steps of a change request, as events. */
describe('change requests: review', () => {
  let t: TestApp;
  /** A second editor: four eyes need two people. */
  let bob: string;
  beforeAll(async () => {
    t = await startTestApp();
    await createFlag(t, 'checkout');
    await createFlag(t, 'search');
    bob = (await t.as('admin').post('/v1/tokens').send({ name: 'bob', role: 'editor' }).expect(201)).body.secret;
  });
  afterAll(() => t.close());

  const asBob = () => ({
    post: (path: string) => t.http().post(path).set('Authorization', `Bearer ${bob}`),
    put: (path: string) => t.http().put(path).set('Authorization', `Bearer ${bob}`),
  });
  const open = (changes: object[] = [{ flagKey: 'checkout', command: 'enable', baseVersion: 1 }]) =>
    t
      .as('editor')
      .post('/v1/change-requests')
      .send({ environment: 'production', title: 'Launch checkout', reason: 'PAY-9', changes });

  it('opens a request in review, each change laid against the flag now → after it', async () => {
    const res = await open([
      { flagKey: 'checkout', command: 'enable', baseVersion: 1 },
      { flagKey: 'search', command: 'rollout', value: 25, baseVersion: 1 },
    ]).expect(201);
    expect(res.body.event).toMatchObject({
      type: 'ChangeRequestCreated',
      streamId: `change-request:${res.body.changeRequest.id}`,
      actor: TOKENS.editor.name,
      reason: 'PAY-9',
    });
    expect(res.body.changeRequest).toMatchObject({
      id: expect.stringMatching(/^cr_[A-Za-z0-9_-]{8}$/),
      environment: 'production',
      title: 'Launch checkout',
      author: TOKENS.editor.name,
      state: 'in_review',
      requiredApprovals: 1,
      approvals: [],
      changes: [
        {
          flagKey: 'checkout',
          command: 'enable',
          baseVersion: 1,
          currentVersion: 1,
          current: expect.objectContaining({ enabled: false }),
          proposed: expect.objectContaining({ enabled: true }),
          conflict: false,
        },
        {
          flagKey: 'search',
          command: 'rollout',
          value: 25,
          current: expect.objectContaining({ rolloutPercentage: 100 }),
          proposed: expect.objectContaining({ rolloutPercentage: 25 }),
          conflict: false,
        },
      ],
    });
    const read = await t.as('viewer').get(`/v1/change-requests/${res.body.changeRequest.id}`).expect(200);
    expect(read.body).toEqual(res.body.changeRequest);
  });

  it('refuses a malformed request naming each field, and writes nothing', async () => {
    const before = eventCount(t.dbPath);
    const refused = await open([
      { flagKey: 'nope', command: 'enable', baseVersion: 1 },
      { flagKey: 'search', command: 'rollout', baseVersion: 1 },
      { flagKey: 'search', command: 'segments', value: 'beta', baseVersion: 9 },
      { flagKey: 'checkout', command: 'enable', value: true, baseVersion: 1 },
    ]);
    expectProblem(refused, 400, { code: 'VALIDATION_FAILED' });
    expect(refused.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'changes[0].flagKey',
      'changes[1].value',
      'changes[2].baseVersion',
      'changes[2].flagKey',
      'changes[2].value',
      'changes[3].value',
    ]);
    expectProblem(await open([]), 400, { field: 'changes' });
    expectProblem(await open([{ flagKey: 'checkout', command: 'delete', baseVersion: 1 }]), 400);
    const unknown = await t
      .as('editor')
      .post('/v1/change-requests')
      .send({
        environment: 'nowhere',
        title: 'x',
        changes: [{ flagKey: 'checkout', command: 'enable', baseVersion: 1 }],
      });
    expectProblem(unknown, 404, { code: 'ENVIRONMENT_NOT_FOUND' });
    expectProblem(await t.as('viewer').post('/v1/change-requests').send({}), 403);
    expect(eventCount(t.dbPath)).toBe(before);
  });

  it('is approved by another person only, once each; the author re-basing it withdraws the approvals', async () => {
    const { id } = (await open()).body.changeRequest;
    const self = await t.as('editor').post(`/v1/change-requests/${id}/approve`).send({});
    expectProblem(self, 403, { code: 'CHANGE_REQUEST_APPROVAL_REFUSED' });
    const approved = await asBob().post(`/v1/change-requests/${id}/approve`).send({ comment: 'ok' }).expect(200);
    expect(approved.body.changeRequest).toMatchObject({
      state: 'approved',
      approvals: [{ by: 'bob', comment: 'ok', at: expect.any(String) }],
    });
    expect(approved.body.event).toMatchObject({ type: 'ChangeRequestApproved', actor: 'bob' });
    expectProblem(await asBob().post(`/v1/change-requests/${id}/approve`).send({}), 409, {
      code: 'CHANGE_REQUEST_STATE',
    });
    // Only the author edits; the edit asks for review again.
    const notAuthor = await asBob()
      .put(`/v1/change-requests/${id}/changes`)
      .send({ changes: [{ flagKey: 'checkout', command: 'disable', baseVersion: 1 }] });
    expectProblem(notAuthor, 403, { code: 'FORBIDDEN' });
    const replaced = await t
      .as('editor')
      .put(`/v1/change-requests/${id}/changes`)
      .send({ changes: [{ flagKey: 'search', command: 'segments', value: ['beta'], baseVersion: 1 }] })
      .expect(200);
    expect(replaced.body.event).toMatchObject({
      type: 'ChangeRequestChangesReplaced',
      data: { withdrawnApprovals: ['bob'] },
    });
    expect(replaced.body.changeRequest).toMatchObject({ state: 'in_review', approvals: [] });
    await asBob().post(`/v1/change-requests/${id}/approve`).send({}).expect(200);
  });

  it('reads scheduledAt: null as not scheduled, and refuses a time that has passed', async () => {
    const change = [{ flagKey: 'checkout', command: 'enable', baseVersion: 1 }];
    const send = (scheduledAt: unknown) =>
      t
        .as('editor')
        .post('/v1/change-requests')
        .send({ environment: 'production', title: 'x', scheduledAt, changes: change });
    expect((await send(null).expect(201)).body.changeRequest.scheduledAt).toBeNull();
    expectProblem(await send(t.clock.now().toISOString()), 400, { field: 'scheduledAt' });
    expectProblem(await send('tomorrow'), 400, { field: 'scheduledAt' });
  });

  it('marks a change whose flag moved past its base version as a conflict', async () => {
    await createFlag(t, 'moving');
    const { id } = (await open([{ flagKey: 'moving', command: 'enable', baseVersion: 1 }])).body.changeRequest;
    await command(t, 'put', '/v1/flags/moving/rollout', { percentage: 50 });
    const read = await t.as('viewer').get(`/v1/change-requests/${id}`).expect(200);
    expect(read.body.changes[0]).toMatchObject({ baseVersion: 1, currentVersion: 2, conflict: true });
  });

  it('rejects for good with a reason; cancels by the author or an admin only', async () => {
    const rejected = (await open()).body.changeRequest.id;
    expectProblem(await asBob().post(`/v1/change-requests/${rejected}/reject`).send({}), 400, { field: 'reason' });
    const res = await asBob()
      .post(`/v1/change-requests/${rejected}/reject`)
      .send({ reason: 'not this week' })
      .expect(200);
    expect(res.body.changeRequest).toMatchObject({
      state: 'rejected',
      closedBy: 'bob',
      closingReason: 'not this week',
    });
    expectProblem(await asBob().post(`/v1/change-requests/${rejected}/approve`).send({}), 409, {
      code: 'CHANGE_REQUEST_STATE',
    });

    const cancelled = (await open()).body.changeRequest.id;
    expectProblem(await asBob().post(`/v1/change-requests/${cancelled}/cancel`).send({}), 403, { code: 'FORBIDDEN' });
    await t.as('admin').post(`/v1/change-requests/${cancelled}/cancel`).send({ reason: 'duplicate' }).expect(200);
    expectProblem(await t.as('viewer').get('/v1/change-requests/cr_none'), 404, { code: 'CHANGE_REQUEST_NOT_FOUND' });
  });

  it('holds a token scoped to another environment out of production requests: create, read, approve, list', async () => {
    await t.as('admin').post('/v1/environments').send({ key: 'staging', name: 'Staging', type: 'staging' }).expect(201);
    const staging = (
      await t
        .as('admin')
        .post('/v1/tokens')
        .send({ name: 'staging-editor', role: 'editor', environments: ['staging'] })
        .expect(201)
    ).body.secret;
    const as = (method: 'get' | 'post', path: string) =>
      t.http()[method](path).set('Authorization', `Bearer ${staging}`);
    const { id } = (await open()).body.changeRequest;
    const change = [{ flagKey: 'checkout', command: 'enable', baseVersion: 1 }];
    expectProblem(
      await as('post', '/v1/change-requests').send({ environment: 'production', title: 'x', changes: change }),
      403,
      {
        code: 'ENVIRONMENT_FORBIDDEN',
      },
    );
    expectProblem(await as('get', `/v1/change-requests/${id}`), 403, { code: 'ENVIRONMENT_FORBIDDEN' });
    expectProblem(await as('post', `/v1/change-requests/${id}/approve`).send({}), 403, {
      code: 'ENVIRONMENT_FORBIDDEN',
    });
    expectProblem(await as('get', '/v1/change-requests?environment=production'), 403, {
      code: 'ENVIRONMENT_FORBIDDEN',
    });
    const own = await as('post', '/v1/change-requests')
      .send({ environment: 'staging', title: 'staging only', changes: change })
      .expect(201);
    const listed = (await as('get', '/v1/change-requests').expect(200)).body.changeRequests;
    expect(listed.map((r: { id: string }) => r.id)).toEqual([own.body.changeRequest.id]);
  });

  it('lists newest first, by state, environment and flag; the log verifies with every step in it', async () => {
    const all = (await t.as('viewer').get('/v1/change-requests').expect(200)).body.changeRequests;
    expect(all.length).toBeGreaterThanOrEqual(5);
    const times = all.map((r: { createdAt: string }) => r.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    const rejected = (await t.as('viewer').get('/v1/change-requests?state=rejected').expect(200)).body.changeRequests;
    expect(rejected.map((r: { state: string }) => r.state)).toEqual(['rejected']);
    const moving = (await t.as('viewer').get('/v1/change-requests?flag=moving').expect(200)).body.changeRequests;
    expect(moving).toHaveLength(1);
    expectProblem(await t.as('viewer').get('/v1/change-requests?state=open'), 400, { field: 'state' });
    expect((await t.as('viewer').get('/v1/audit/verify').expect(200)).body).toMatchObject({ ok: true });
  });
});
