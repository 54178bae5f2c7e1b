import { EventBus } from '@nestjs/cqrs';
import { FlagEventCommitted } from '../../src/flags/flag-event-publisher.js';
import { releaseFlag } from '../support/flags.js';
import { openRaw } from '../support/raw-database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('EventBus publication', () => {
  let t: TestApp;
  let raw: ReturnType<typeof openRaw>;
  const published: { seq: number; type: string; committed: boolean }[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    raw = openRaw(t.dbPath);
    t.app.get(EventBus).subscribe((message) => {
      if (!(message instanceof FlagEventCommitted)) return;
      // Read through a separate connection: only committed rows are visible there.
      const row = raw.prepare('SELECT seq FROM events WHERE seq = ?').get(message.event.seq);
      published.push({ seq: message.event.seq, type: message.event.type, committed: row !== undefined });
    });
  });
  afterAll(async () => {
    await t.close();
    raw.close();
  });

  it('publishes each flag event once, after its append committed', async () => {
    await t.http().post('/v1/flags').set('Authorization', t.auth('editor')).send(releaseFlag()).expect(201);
    await t.http().post('/v1/flags/new_payment_processor/enable').set('Authorization', t.auth('editor')).expect(200);
    expect(published).toEqual([
      { seq: 1, type: 'FlagCreated', committed: true },
      { seq: 2, type: 'FlagEnabled', committed: true },
    ]);
  });

  it('publishes nothing for a rejected command or one that changes nothing', async () => {
    const before = published.length;
    await t
      .http()
      .post('/v1/flags/new_payment_processor/disable')
      .set('Authorization', t.auth('editor'))
      .set('If-Match', '"1"')
      .expect(412);
    await t.http().post('/v1/flags/new_payment_processor/enable').set('Authorization', t.auth('editor')).expect(200);
    await t
      .http()
      .put('/v1/flags/new_payment_processor/rollout')
      .set('Authorization', t.auth('editor'))
      .send({ percentage: 300 })
      .expect(400);
    expect(published).toHaveLength(before);
  });
});
