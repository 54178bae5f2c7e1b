import { ChangeRequestSchedule } from '../../src/change-requests/change-request-schedule.js';
import { createFlag } from '../support/flags.js';
import { eventCount } from '../support/raw-database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TOKENS } from '../support/tokens.js';

const MINUTE = 60_000;

/** docs/contract.md §10 and issue 15 item 3: an approved request applies itself at `scheduledAt`, once. */
describe('change requests: scheduled', () => {
  let t: TestApp;
  let bob: string;
  beforeEach(async () => {
    t = await startTestApp();
    await createFlag(t, 'checkout');
    bob = (await t.as('admin').post('/v1/tokens').send({ name: 'bob', role: 'editor' }).expect(201)).body.secret;
    await t.as('admin').patch('/v1/environments/production').send({ requiredApprovals: 1 }).expect(200);
  });
  afterEach(() => t.close());

  const tick = () => t.app.get(ChangeRequestSchedule).tick();
  const read = async (id: string) => (await t.as('viewer').get(`/v1/change-requests/${id}`).expect(200)).body;
  const flag = async () => (await t.as('viewer').get('/v1/flags/checkout').expect(200)).body;
  /** A request to enable checkout at now + `inMs`, approved by bob unless told otherwise. */
  const scheduled = async (inMs: number, approve = true) => {
    const scheduledAt = new Date(t.clock.now().getTime() + inMs).toISOString();
    const { id } = (
      await t
        .as('editor')
        .post('/v1/change-requests')
        .send({
          environment: 'production',
          title: 'Launch at nine',
          scheduledAt,
          changes: [{ flagKey: 'checkout', command: 'enable', baseVersion: (await flag()).version }],
        })
        .expect(201)
    ).body.changeRequest;
    if (approve)
      await t
        .http()
        .post(`/v1/change-requests/${id}/approve`)
        .set('Authorization', `Bearer ${bob}`)
        .send({})
        .expect(200);
    return { id: id as string, scheduledAt };
  };
  const appliedEvents = async (id: string) => {
    const text = (await t.as('viewer').get('/v1/export?format=ndjson').buffer(true).expect(200)).text;
    return text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type?: string; data?: { id?: string; changeRequest?: { id: string } } })
      .filter((e) => (e.type === 'ChangeRequestApplied' && e.data?.id === id) || e.data?.changeRequest?.id === id);
  };

  it('applies at its time, once, as the schedule, with the author and approver on the flag event', async () => {
    const { id, scheduledAt } = await scheduled(MINUTE);
    await tick();
    expect((await read(id)).state).toBe('approved');
    expect((await flag()).enabled).toBe(false);

    t.clock.advance(MINUTE + 1000);
    await tick();
    expect(await read(id)).toMatchObject({ state: 'applied', closedBy: 'system:scheduler' });
    expect((await flag()).enabled).toBe(true);
    const events = await appliedEvents(id);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'FlagEnabled',
        actor: 'system:scheduler',
        reason: `scheduled for ${scheduledAt}`,
        data: expect.objectContaining({ changeRequest: { id, author: TOKENS.editor.name, approvers: ['bob'] } }),
      }),
      expect.objectContaining({ type: 'ChangeRequestApplied', data: { id, scheduled: true, lateByMs: 1000 } }),
    ]);
    const before = eventCount(t.dbPath);
    await tick();
    await tick();
    expect(eventCount(t.dbPath)).toBe(before);
  });

  it('applies a schedule missed while the server was down at the next start, saying how late', async () => {
    const { id } = await scheduled(MINUTE);
    const { dbPath, clock } = t;
    await t.close();
    clock.advance(10 * MINUTE);
    t = await startTestApp({ dbPath, clock });
    await tick(); // after the start's own tick
    expect((await read(id)).state).toBe('applied');
    const [, applied] = await appliedEvents(id);
    expect(applied).toMatchObject({ data: { scheduled: true, lateByMs: 9 * MINUTE } });
  });

  it('fails with the reason and writes nothing of it when a flag moved or was archived by then', async () => {
    const moved = await scheduled(MINUTE);
    await t.as('editor').patch('/v1/flags/checkout').send({ description: 'moved' }).expect(200);
    t.clock.advance(2 * MINUTE);
    await tick();
    const failed = await read(moved.id);
    expect(failed).toMatchObject({ state: 'failed', closedBy: 'system:scheduler' });
    expect(failed.closingReason).toBe('at its scheduled time, flags had moved since it was approved: checkout (1 → 2)');
    expect((await flag()).enabled).toBe(false);
    expect((await appliedEvents(moved.id)).length).toBe(0);

    const archived = await scheduled(MINUTE);
    await t.as('editor').post('/v1/flags/checkout/archive').send({ reason: 'gone' }).expect(200);
    t.clock.advance(2 * MINUTE);
    await tick();
    expect((await read(archived.id)).closingReason).toContain('checkout (2 → gone)');
  });

  it('waits for approval: a request approved after its time applies at the next tick', async () => {
    const { id } = await scheduled(MINUTE, false);
    t.clock.advance(2 * MINUTE);
    await tick();
    expect((await read(id)).state).toBe('in_review');
    await t.http().post(`/v1/change-requests/${id}/approve`).set('Authorization', `Bearer ${bob}`).send({}).expect(200);
    await tick();
    expect((await read(id)).state).toBe('applied');
  });
});
