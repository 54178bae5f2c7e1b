import { ChangeRequestSchedule } from '../../src/change-requests/change-request-schedule.js';
import { ManualClock } from '../support/clock.js';
import { createFlag } from '../support/flags.js';
import { queryRows } from '../support/raw-database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const MINUTE = 60_000;

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await probe())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Issue 15 item 3: two instances both run the schedule; each due request is applied by exactly one. */
describe('scheduled change requests on two PostgreSQL instances', () => {
  const clock = new ManualClock();
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await startTestApp({ backend: 'postgres', clock });
    b = await startTestApp({ backend: 'postgres', dbPath: a.dbPath, clock });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('applies each due request once whichever instance ticks first, racing on every tick', async () => {
    const bob = (await a.as('admin').post('/v1/tokens').send({ name: 'bob', role: 'editor' }).expect(201)).body.secret;
    await a.as('admin').patch('/v1/environments/production').send({ requiredApprovals: 1 }).expect(200);
    const ids: string[] = [];
    for (const key of ['one', 'two', 'three', 'four', 'five']) {
      await createFlag(a, key);
      const { id } = (
        await a
          .as('editor')
          .post('/v1/change-requests')
          .send({
            environment: 'production',
            title: `enable ${key}`,
            scheduledAt: new Date(clock.now().getTime() + MINUTE).toISOString(),
            changes: [{ flagKey: key, command: 'enable', baseVersion: 1 }],
          })
          .expect(201)
      ).body.changeRequest;
      await a
        .http()
        .post(`/v1/change-requests/${id}/approve`)
        .set('Authorization', `Bearer ${bob}`)
        .send({})
        .expect(200);
      ids.push(id);
    }
    await until('B to see every request approved', async () => {
      const res = await b.as('viewer').get('/v1/change-requests?state=approved');
      return res.body.changeRequests?.length === ids.length;
    });
    clock.advance(2 * MINUTE);
    const ticks = [a, b].map((app) => app.app.get(ChangeRequestSchedule));
    for (let round = 0; round < 3; round++) await Promise.all(ticks.flatMap((s) => [s.tick(), s.tick()]));

    const rows = await queryRows<{ type: string; data: string }>(
      a.dbPath,
      "SELECT type, data FROM events WHERE type = 'ChangeRequestApplied' OR type = 'FlagEnabled' ORDER BY seq",
    );
    const applied = rows.filter((r) => r.type === 'ChangeRequestApplied').map((r) => JSON.parse(r.data).id);
    const enabled = rows.filter((r) => r.type === 'FlagEnabled').map((r) => JSON.parse(r.data).changeRequest.id);
    expect([...applied].sort()).toEqual([...ids].sort());
    expect([...enabled].sort()).toEqual([...ids].sort());
    await until('both instances to show every request applied', async () => {
      const states = await Promise.all(
        [a, b].map(
          async (app) => (await app.as('viewer').get('/v1/change-requests?state=applied')).body.changeRequests.length,
        ),
      );
      return states.every((n) => n === ids.length);
    });
    expect((await b.as('viewer').get('/v1/audit/verify').expect(200)).body.ok).toBe(true);
  });
});
