import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DECISION_LOG } from '../../src/decision-log/decision-log.js';
import { SIGNING_KEY, type SigningKey } from '../../src/integrity/signing-key.js';
import { releaseFlag } from '../support/flags.js';
import { tempDir } from '../support/temp-dir.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** The user hash as README documents it, computed here from first principles: HMAC-SHA256 under `key`, 16 hex. */
const hmac16 = (key: Buffer | string, userId: string) =>
  createHmac('sha256', key).update(userId).digest('hex').slice(0, 16);

/** The key README says is derived from the app's checkpoint signing key: HMAC(its PKCS#8 DER, purpose). */
function derivedKey(t: TestApp): Buffer {
  const der = t.app.get<SigningKey>(SIGNING_KEY).privateKey.export({ type: 'pkcs8', format: 'der' });
  return createHmac('sha256', der).update('flagledger decision-log user hash').digest();
}

const userHashes = (path: string) =>
  readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => (JSON.parse(l) as { userHash: string | null }).userHash);

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
    const key = derivedKey(t);
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
        userHash: hmac16(key, 'bob@example.com'),
      });
    }
    // A reader of the log who guesses the id cannot confirm it with a plain sha256.
    expect(lines[0]!.userHash).not.toBe(createHash('sha256').update('bob@example.com').digest('hex').slice(0, 16));
  });

  /** One decision about user u-1, logged by `app`. */
  const decideForU1 = (app: TestApp) =>
    app
      .as('evaluator')
      .post('/v1/evaluate')
      .send({ flagKey: 'x', context: { userId: 'u-1' } })
      .expect(200);

  it('keys the user hash with FLAGLEDGER_DECISION_LOG_HASH_KEY when set, and keeps it across restarts', async () => {
    const path = join(dir, 'keyed.ndjson');
    const decisionLog = {
      target: { kind: 'file' as const, path },
      sampleRate: 1,
      hashKey: 'a fixed key of 32 characters..!!',
    };
    const first = await startTestApp({ decisionLog });
    await decideForU1(first);
    await first.close();
    // Another database, so another signing key: the configured key alone decides the hash.
    const second = await startTestApp({ decisionLog });
    await decideForU1(second);
    await second.close();
    expect(userHashes(path)).toEqual(['9fbdd51e9c0cd85f', '9fbdd51e9c0cd85f']); // openssl dgst -sha256 -hmac
  });

  it('derives its key from the signing key when none is set, so a restart hashes a user as before', async () => {
    const path = join(dir, 'derived.ndjson');
    const decisionLog = { target: { kind: 'file' as const, path }, sampleRate: 1 };
    const first = await startTestApp({ decisionLog });
    await decideForU1(first);
    const key = derivedKey(first);
    await first.close();
    const again = await startTestApp({ decisionLog, dbPath: first.dbPath });
    await decideForU1(again);
    await again.close();
    expect(userHashes(path)).toEqual([hmac16(key, 'u-1'), hmac16(key, 'u-1')]);
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
