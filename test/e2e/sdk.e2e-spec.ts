import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FlagledgerClient } from '../../src/sdk/index.js';
import { releaseFlag } from '../support/flags.js';
import { tempDir } from '../support/temp-dir.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TOKENS } from '../support/tokens.js';

/** Resolves when the predicate holds, checking on every 'changed' event and every 10 ms. */
async function eventually(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('SDK against the real server', () => {
  const { dir, cleanup } = tempDir();
  const dbPath = join(dir, 'flagledger.db');
  const bootstrapFile = join(dir, 'sdk', 'flags.json');
  let t: TestApp;
  let port: number;
  let client: FlagledgerClient;
  const user = { userId: 'user-42' };

  beforeAll(async () => {
    t = await startTestApp({ dbPath });
    port = Number(new URL(t.url).port);
    await t
      .http()
      .post('/v1/flags')
      .set('Authorization', t.auth('editor'))
      .send(releaseFlag('new_payment_processor', { enabled: true }))
      .expect(201);
    client = await FlagledgerClient.start({
      url: t.url,
      token: TOKENS.evaluator.secret,
      bootstrapFile,
      reconnectInitialMs: 50,
      reconnectMaxMs: 200,
    });
    client.on('error', () => undefined);
  });
  afterAll(async () => {
    await client?.close();
    await t?.close();
    cleanup();
  });

  it('starts from the server snapshot and evaluates locally with the server engine', async () => {
    expect(client.isEnabled('new_payment_processor', user)).toBe(true);
    expect(client.evaluate('new_payment_processor', user)).toEqual(
      (
        await t
          .http()
          .post('/v1/evaluate')
          .set('Authorization', t.auth('evaluator'))
          .send({ flagKey: 'new_payment_processor', context: user })
      ).body,
    );
    expect(client.isEnabled('no_such_flag', user, true)).toBe(true);
    await eventually(() => client.connected);
  });

  it('sees a kill switch engaged over REST without calling the server', async () => {
    const engaged = await t
      .http()
      .post('/v1/flags/new_payment_processor/kill-switch/engage')
      .set('Authorization', t.auth('editor'))
      .expect(200);
    await eventually(() => client.headSeq === engaged.body.event.seq);
    expect(client.evaluate('new_payment_processor', user)).toMatchObject({
      enabled: false,
      reason: 'KILL_SWITCH',
      flagVersion: engaged.body.flag.version,
    });
  });

  it('keeps answering from the last state while the server is down, then resumes without missing what changed meanwhile', async () => {
    await t.close();
    await eventually(() => !client.connected);
    expect(client.evaluate('new_payment_processor', user).reason).toBe('KILL_SWITCH');
    expect(client.isEnabled('new_payment_processor', user, true)).toBe(false);

    t = await startTestApp({ dbPath, port });
    // Changed right after the restart, before the client's next reconnect attempt has had a chance.
    const released = await t
      .http()
      .post('/v1/flags/new_payment_processor/kill-switch/release')
      .set('Authorization', t.auth('editor'))
      .expect(200);
    const rollout = await t
      .http()
      .put('/v1/flags/new_payment_processor/rollout')
      .set('Authorization', t.auth('editor'))
      .send({ percentage: 0 })
      .expect(200);
    await eventually(() => client.headSeq === rollout.body.event.seq);
    expect(released.body.event.seq).toBe(rollout.body.event.seq - 1);
    expect(client.evaluate('new_payment_processor', user)).toMatchObject({
      enabled: false,
      reason: 'ROLLOUT_OUT',
      flagVersion: rollout.body.flag.version,
    });
  });

  it('starts from its bootstrap file when the server is unreachable', async () => {
    const headSeq = client.headSeq;
    await client.close();
    expect(existsSync(bootstrapFile)).toBe(true);
    await t.close();
    const offline = await FlagledgerClient.start({
      url: t.url,
      token: TOKENS.evaluator.secret,
      bootstrapFile,
      startTimeoutMs: 500,
      reconnectInitialMs: 50,
    });
    offline.on('error', () => undefined);
    const ready = await new Promise<{ source: string; headSeq: number }>((resolve) => offline.once('ready', resolve));
    expect(ready).toEqual({ source: 'bootstrap', headSeq });
    expect(offline.evaluate('new_payment_processor', user)).toMatchObject({ enabled: false, reason: 'ROLLOUT_OUT' });
    await offline.close();
    t = await startTestApp({ dbPath, port });
    client = await FlagledgerClient.start({ url: t.url, token: TOKENS.evaluator.secret });
  });

  it('refuses to start with neither a server nor a bootstrap file', async () => {
    await expect(
      FlagledgerClient.start({ url: 'http://127.0.0.1:9', token: 'x', startTimeoutMs: 300 }),
    ).rejects.toThrow();
  });
});
