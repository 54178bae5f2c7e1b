import { createFlag } from '../support/flags.js';
import { expectProblem } from '../support/problem.js';
import { eventCount } from '../support/raw-database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TOKENS } from '../support/tokens.js';

/** docs/contract.md §10 and issue 15: a protected production changes only through create → approve → apply. */
describe('change requests: apply into a protected environment', () => {
  let t: TestApp;
  let bob: string;
  beforeAll(async () => {
    t = await startTestApp();
    for (const key of ['checkout', 'search', 'banner']) await createFlag(t, key);
    bob = (await t.as('admin').post('/v1/tokens').send({ name: 'bob', role: 'editor' }).expect(201)).body.secret;
    await t.as('admin').patch('/v1/environments/production').send({ requiredApprovals: 1 }).expect(200);
  });
  afterAll(() => t.close());

  const byBob = (path: string) => t.http().post(path).set('Authorization', `Bearer ${bob}`);
  const version = async (key: string) =>
    (await t.as('viewer').get(`/v1/flags/${key}`).expect(200)).body.version as number;
  const open = async (changes: object[]) =>
    (
      await t
        .as('editor')
        .post('/v1/change-requests')
        .send({ environment: 'production', title: 'Launch', reason: 'PAY-9', changes })
        .expect(201)
    ).body.changeRequest as { id: string };

  it('refuses a direct enable, and lets it in through create → approve by another → apply, named in each event', async () => {
    expectProblem(await t.as('admin').post('/v1/flags/checkout/enable').send({}), 409, {
      code: 'CHANGE_REQUEST_REQUIRED',
    });
    const { id } = await open([
      { flagKey: 'checkout', command: 'enable', baseVersion: await version('checkout') },
      { flagKey: 'search', command: 'rollout', value: 25, baseVersion: await version('search') },
    ]);
    expectProblem(await t.as('editor').post(`/v1/change-requests/${id}/apply`).send({}), 409, {
      code: 'CHANGE_REQUEST_STATE',
    });
    await byBob(`/v1/change-requests/${id}/approve`).send({ comment: 'ok' }).expect(200);
    const applied = await t.as('editor').post(`/v1/change-requests/${id}/apply`).send({ reason: 'go' }).expect(200);
    expect(applied.body.changeRequest).toMatchObject({ state: 'applied', closedBy: TOKENS.editor.name });
    const seqs = [...applied.body.flagEvents, applied.body.event].map((e: { seq: number }) => e.seq);
    expect(seqs).toEqual([seqs[0], seqs[0] + 1, seqs[0] + 2]);
    const trace = { id, author: TOKENS.editor.name, approvers: ['bob'] };
    expect(applied.body.flagEvents).toEqual([
      expect.objectContaining({ streamId: 'checkout', type: 'FlagEnabled', actor: TOKENS.editor.name, reason: 'go' }),
      expect.objectContaining({ streamId: 'search', type: 'FlagRolloutChanged' }),
    ]);
    for (const event of applied.body.flagEvents) expect(event.data.changeRequest).toEqual(trace);
    expect(applied.body.event).toMatchObject({ type: 'ChangeRequestApplied', data: { id, scheduled: false } });
    const evaluated = await t.as('evaluator').post('/v1/evaluate').send({ flagKey: 'checkout' }).expect(200);
    expect(evaluated.body.enabled).toBe(true);
    expect((await t.as('viewer').get('/v1/flags/search').expect(200)).body.rolloutPercentage).toBe(25);
    // Applied once: a second apply is refused and writes nothing.
    const before = eventCount(t.dbPath);
    expectProblem(await byBob(`/v1/change-requests/${id}/apply`).send({}), 409, { code: 'CHANGE_REQUEST_STATE' });
    expect(eventCount(t.dbPath)).toBe(before);
  });

  it('writes nothing when a flag moved past its base version, names it, and stays approved to be re-based', async () => {
    const base = { banner: await version('banner'), checkout: await version('checkout') };
    const { id } = await open([
      { flagKey: 'checkout', command: 'kill-switch/engage', baseVersion: base.checkout },
      { flagKey: 'banner', command: 'enable', baseVersion: base.banner },
    ]);
    await byBob(`/v1/change-requests/${id}/approve`).send({}).expect(200);
    // A definition change is direct, and moves the flag's one version.
    await t.as('editor').patch('/v1/flags/banner').send({ description: 'moved' }).expect(200);
    const before = eventCount(t.dbPath);
    const refused = await byBob(`/v1/change-requests/${id}/apply`).send({});
    expectProblem(refused, 409, { code: 'CHANGE_REQUEST_CONFLICT' });
    expect(refused.body.errors).toEqual([
      { field: 'banner', message: `is at version ${base.banner + 1}, not ${base.banner}` },
    ]);
    expect(eventCount(t.dbPath)).toBe(before);
    expect((await t.as('viewer').get('/v1/flags/checkout').expect(200)).body.killSwitch).toBe(false);
    const read = await t.as('viewer').get(`/v1/change-requests/${id}`).expect(200);
    expect(read.body).toMatchObject({ state: 'approved', changes: [{ conflict: false }, { conflict: true }] });

    // Re-based by its author, reviewed again, applied.
    await t
      .as('editor')
      .put(`/v1/change-requests/${id}/changes`)
      .send({
        changes: [
          { flagKey: 'checkout', command: 'kill-switch/engage', baseVersion: base.checkout },
          { flagKey: 'banner', command: 'enable', baseVersion: base.banner + 1 },
        ],
      })
      .expect(200);
    expectProblem(await byBob(`/v1/change-requests/${id}/apply`).send({}), 409, { code: 'CHANGE_REQUEST_STATE' });
    await byBob(`/v1/change-requests/${id}/approve`).send({}).expect(200);
    await byBob(`/v1/change-requests/${id}/apply`).send({}).expect(200);
    expect((await t.as('viewer').get('/v1/flags/banner').expect(200)).body.enabled).toBe(true);
  });

  it('leaves a log that verifies and exports with every request step and apply in it', async () => {
    expect((await t.as('viewer').get('/v1/audit/verify').expect(200)).body).toMatchObject({ ok: true });
    const exported = await t.as('viewer').get('/v1/export?format=ndjson').buffer(true).expect(200);
    const types = exported.text
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { type?: string }).type)
      .filter((type) => type?.startsWith('ChangeRequest'));
    expect(types).toEqual(
      expect.arrayContaining([
        'ChangeRequestCreated',
        'ChangeRequestApproved',
        'ChangeRequestApplied',
        'ChangeRequestChangesReplaced',
      ]),
    );
  });
});
