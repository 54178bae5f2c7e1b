import { expectProblem } from '../support/problem.js';
import { eventCount } from '../support/raw-database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** docs/contract.md §7, first slice: environments as events, listed, created and changed by admins. */
describe('environments', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(() => t.close());

  const production = {
    key: 'production',
    name: 'Production',
    type: 'production',
    requiredApprovals: 0,
    createdBy: null,
    createdAt: null,
    version: 0,
  };
  const createStaging = () =>
    t.as('admin').post('/v1/environments').send({ key: 'staging', name: 'Staging', type: 'staging' });

  it('has the default environment without any event', async () => {
    expect((await t.as('viewer').get('/v1/environments').expect(200)).body).toEqual({ environments: [production] });
    expect((await t.as('viewer').get('/v1/environments/production').expect(200)).body).toEqual(production);
    expect(eventCount(t.dbPath)).toBe(0);
  });

  it('creates one with an EnvironmentCreated event on its own stream, by the admin who did it', async () => {
    const created = await createStaging().expect(201);
    const staging = {
      key: 'staging',
      name: 'Staging',
      type: 'staging',
      requiredApprovals: 0,
      createdBy: 'root',
      createdAt: t.clock.now().toISOString(),
      version: 1,
    };
    expect(created.body.environment).toEqual(staging);
    expect(created.body.event).toMatchObject({
      streamId: 'environment:staging',
      version: 1,
      type: 'EnvironmentCreated',
      actor: 'root',
      data: { key: 'staging', name: 'Staging', type: 'staging', requiredApprovals: 0 },
    });
    expect((await t.as('viewer').get('/v1/environments').expect(200)).body).toEqual({
      environments: [production, staging],
    });
    const verify = await t.as('admin').get('/v1/audit/verify').expect(200);
    expect(verify.body).toMatchObject({ ok: true, events: 1 });
  });

  it('changes one, the default included, recording only what changed; a change of nothing records nothing', async () => {
    await createStaging().expect(201);
    const changed = await t
      .as('admin')
      .patch('/v1/environments/staging')
      .send({ name: 'Staging EU', requiredApprovals: 2, reason: 'four eyes' })
      .expect(200);
    expect(changed.body.environment).toMatchObject({ name: 'Staging EU', requiredApprovals: 2, version: 2 });
    expect(changed.body.event).toMatchObject({
      type: 'EnvironmentChanged',
      reason: 'four eyes',
      data: { name: { from: 'Staging', to: 'Staging EU' }, requiredApprovals: { from: 0, to: 2 } },
    });
    const same = await t.as('admin').patch('/v1/environments/staging').send({ name: 'Staging EU' }).expect(200);
    expect(same.body.event).toBeNull();
    const prod = await t.as('admin').patch('/v1/environments/production').send({ requiredApprovals: 1 }).expect(200);
    expect(prod.body.environment).toEqual({ ...production, requiredApprovals: 1, version: 1 });
    expect(eventCount(t.dbPath)).toBe(3);
  });

  it('refuses bad input with 400 naming the field, duplicates with 409, unknown environments with 404, writing nothing', async () => {
    await createStaging().expect(201);
    const before = eventCount(t.dbPath);
    const admin = t.as('admin');
    const bad: Array<[object, string]> = [
      [{ key: 'Staging!', name: 'x', type: 'staging' }, 'key'],
      [{ key: 'a'.repeat(33), name: 'x', type: 'staging' }, 'key'],
      [{ key: 'qa', name: ' ', type: 'test' }, 'name'],
      [{ key: 'qa', name: 'x'.repeat(101), type: 'test' }, 'name'],
      [{ key: 'qa', name: 'QA', type: 'prod' }, 'type'],
      [{ key: 'qa', name: 'QA', type: 'test', requiredApprovals: 6 }, 'requiredApprovals'],
      [{ key: 'qa', name: 'QA', type: 'test', requiredApprovals: 1.5 }, 'requiredApprovals'],
      [{ key: 'qa', name: 'QA', type: 'test', owner: 'x' }, 'owner'],
      [{ name: 'QA', type: 'test' }, 'key'],
    ];
    for (const [body, field] of bad)
      expectProblem(await admin.post('/v1/environments').send(body), 400, { code: 'VALIDATION_FAILED', field });
    expectProblem(await admin.patch('/v1/environments/staging').send({ key: 'other' }), 400, { field: 'key' });
    expectProblem(await admin.patch('/v1/environments/staging').send({ type: 'live' }), 400, { field: 'type' });
    expectProblem(await createStaging(), 409, { code: 'ENVIRONMENT_EXISTS', field: 'key' });
    expectProblem(
      await admin.post('/v1/environments').send({ key: 'production', name: 'P', type: 'production' }),
      409,
      { code: 'ENVIRONMENT_EXISTS' },
    );
    expectProblem(await admin.patch('/v1/environments/nope').send({ name: 'N' }), 404, {
      code: 'ENVIRONMENT_NOT_FOUND',
    });
    expectProblem(await t.as('viewer').get('/v1/environments/nope'), 404, { code: 'ENVIRONMENT_NOT_FOUND' });
    expect(eventCount(t.dbPath)).toBe(before);
  });

  it('lets viewers read and only admins write', async () => {
    expectProblem(await t.as('evaluator').get('/v1/environments'), 403);
    expectProblem(await t.as('editor').post('/v1/environments').send({ key: 'qa', name: 'QA', type: 'test' }), 403);
    expectProblem(await t.as('editor').patch('/v1/environments/production').send({ name: 'P' }), 403);
    expect(eventCount(t.dbPath)).toBe(0);
  });

  it('creates a key once when twenty admins race for it', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t
          .as('admin')
          .post('/v1/environments')
          .send({ key: 'qa', name: `QA ${i}`, type: 'test' }),
      ),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(19);
    expect(eventCount(t.dbPath)).toBe(1);
  });

  it('reads them back from the log after a restart, and a rebuild leaves them alone', async () => {
    await createStaging().expect(201);
    await t.as('admin').patch('/v1/environments/production').send({ requiredApprovals: 1 }).expect(200);
    const listed = (await t.as('viewer').get('/v1/environments').expect(200)).body;
    const { dbPath } = t;
    await t.close();
    t = await startTestApp({ dbPath });
    expect((await t.as('viewer').get('/v1/environments').expect(200)).body).toEqual(listed);
    await t.as('admin').post('/v1/admin/projections/rebuild').expect(200);
    expect((await t.as('viewer').get('/v1/environments').expect(200)).body).toEqual(listed);
    // The flag routes do not see environment streams as flags.
    expect((await t.as('viewer').get('/v1/flags?includeArchived=true').expect(200)).body.flags).toEqual([]);
    const exported = await t.as('admin').get('/v1/export?format=ndjson').expect(200);
    expect(
      exported.text
        .trim()
        .split('\n')
        .filter((line) => line.includes('"Environment')),
    ).toHaveLength(2);
  });
});
