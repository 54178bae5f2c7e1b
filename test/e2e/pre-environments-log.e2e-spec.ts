import { ManualClock } from '../support/clock.js';
import { insertEventRows, readFixture, record } from '../support/pre-environments-log.js';
import { eventCount } from '../support/raw-database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/*
 * A log written before environments (test/fixtures/pre-environments-log, recorded by the code of that
 * time) must read exactly as it did then: issue 12 upcasts such events on read, never rewrites them.
 * Every recorded read is asked again, on today's code, after the start's catch-up and after a rebuild.
 */
const fixture = readFixture();

/** Today's app on a database holding only the recorded rows, at the recorded instant. */
async function upgraded(): Promise<TestApp> {
  // A migrated, empty database; the rows go in while no app runs on it, and the next start catches up.
  const empty = await startTestApp();
  const dbPath = empty.dbPath;
  await empty.close();
  insertEventRows(dbPath, fixture.events);
  return startTestApp({ dbPath, clock: new ManualClock(new Date(fixture.recordedAt)) });
}

describe('a log written before environments', () => {
  let t: TestApp;
  // Each test on its own copy: the recorded evaluations move the usage figures the reads show.
  beforeEach(async () => {
    t = await upgraded();
  });
  afterEach(() => t.close());

  const answersNow = () => record(t, fixture.reads);

  it('keeps every row as it was written and still verifies', async () => {
    expect(eventCount(t.dbPath)).toBe(fixture.events.length);
    const verify = await t.as('admin').get('/v1/audit/verify').expect(200);
    expect(verify.body).toMatchObject({ ok: true, events: fixture.events.length });
  });

  it('answers every recorded read as it did then: lists, flags at each version and instant, history, audit, export, snapshot, stale, evaluation', async () => {
    expect(await answersNow()).toEqual(fixture.reads);
  });

  it('answers them all identically again after a rebuild of every projection', async () => {
    await t.as('admin').post('/v1/admin/projections/rebuild').expect(200);
    expect(await answersNow()).toEqual(fixture.reads);
  });
});
