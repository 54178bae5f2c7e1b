import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DECISION_LOG, hashUserId } from '../../src/decision-log/decision-log.js';
import { releaseFlag } from '../support/flags.js';
import { tempDir } from '../support/temp-dir.js';
import { startTestApp } from '../support/test-app.js';

describe('decision log (FLAGLEDGER_DECISION_LOG=file:…)', () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);

  it('records every evaluation of both routes with the deciding version and a hashed user id', async () => {
    const path = join(dir, 'decisions.ndjson');
    const t = await startTestApp({ decisionLog: { target: { kind: 'file', path }, sampleRate: 1 } });
    await t
      .http()
      .post('/v1/flags')
      .set('Authorization', t.auth('editor'))
      .send(releaseFlag('checkout', { enabled: true, rolloutPercentage: 50 }))
      .expect(201);
    const one = await t
      .http()
      .post('/v1/evaluate')
      .set('Authorization', t.auth('evaluator'))
      .send({ flagKey: 'checkout', context: { userId: 'bob@example.com' } })
      .expect(200);
    await t
      .http()
      .post('/v1/evaluate/all')
      .set('Authorization', t.auth('evaluator'))
      .send({ context: { userId: 'bob@example.com' } })
      .expect(200);
    await t.close();
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain('bob@example.com');
    const lines = text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toMatchObject({
        msg: 'decision',
        flag: 'checkout',
        flagVersion: 1,
        enabled: one.body.enabled,
        reason: one.body.reason,
        bucket: one.body.bucket,
        userHash: hashUserId('bob@example.com'),
      });
    }
  });

  it('names the environment each decision was made in (docs/contract.md §7)', async () => {
    const path = join(dir, 'environments.ndjson');
    const t = await startTestApp({ decisionLog: { target: { kind: 'file', path }, sampleRate: 1 } });
    await t.as('admin').post('/v1/environments').send({ key: 'staging', name: 'Staging', type: 'staging' }).expect(201);
    await t.as('editor').post('/v1/flags').send(releaseFlag('checkout')).expect(201);
    for (const route of ['/v1/evaluate', '/v1/environments/staging/evaluate'])
      await t.as('evaluator').post(route).send({ flagKey: 'checkout' }).expect(200);
    await t.as('evaluator').post('/v1/environments/staging/evaluate/all').send({}).expect(200);
    await t.close();
    const lines = readFileSync(path, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { environment?: string });
    expect(lines.map((l) => l.environment)).toEqual(['production', 'staging', 'staging']);
  });

  it('is off unless configured', async () => {
    const t = await startTestApp();
    expect(t.app.get(DECISION_LOG)).toBeNull();
    await t
      .http()
      .post('/v1/evaluate')
      .set('Authorization', t.auth('evaluator'))
      .send({ flagKey: 'x', context: { userId: 'bob' } })
      .expect(200);
    await t.close();
  });
});
