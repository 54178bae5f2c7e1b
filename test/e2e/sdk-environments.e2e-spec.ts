import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OpenFeature } from '@openfeature/server-sdk';
import { FlagledgerClient } from '../../src/sdk/index.js';
import { FlagledgerProvider } from '../../src/sdk/openfeature/index.js';
import { command, createFlag } from '../support/flags.js';
import { tempDir } from '../support/temp-dir.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TOKENS } from '../support/tokens.js';

async function eventually(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** docs/contract.md §7 and issue 12 item 6: an SDK follows one environment's snapshot and stream. */
describe('SDK clients following different environments', () => {
  const { dir, cleanup } = tempDir();
  let t: TestApp;
  let production: FlagledgerClient;
  let staging: FlagledgerClient;
  const user = { userId: 'user-42' };
  const start = (environment?: string, bootstrapFile?: string) =>
    FlagledgerClient.start({
      url: t.url,
      token: TOKENS.evaluator.secret,
      reconnectInitialMs: 50,
      reconnectMaxMs: 200,
      reportIntervalMs: 0,
      ...(environment === undefined ? {} : { environment }),
      ...(bootstrapFile === undefined ? {} : { bootstrapFile }),
    });

  beforeAll(async () => {
    t = await startTestApp();
    await t.as('admin').post('/v1/environments').send({ key: 'staging', name: 'Staging', type: 'staging' }).expect(201);
    await createFlag(t, 'checkout', { enabled: true });
    await command(t, 'post', '/v1/environments/staging/flags/checkout/enable');
    production = await start();
    staging = await start('staging');
    for (const client of [production, staging]) client.on('error', () => undefined);
    await eventually(() => production.connected && staging.connected, 'both streams');
  });
  afterAll(async () => {
    await OpenFeature.close();
    await production?.close();
    await staging?.close();
    await t?.close();
    cleanup();
  });

  it('a kill switch in staging reaches the staging client and leaves the production client alone, and vice versa', async () => {
    expect([production.isEnabled('checkout', user), staging.isEnabled('checkout', user)]).toEqual([true, true]);

    const engaged = await command(t, 'post', '/v1/environments/staging/flags/checkout/kill-switch/engage');
    await eventually(() => staging.headSeq >= engaged.event.seq, 'staging to apply the kill switch');
    expect(staging.evaluate('checkout', user)).toMatchObject({ enabled: false, reason: 'KILL_SWITCH' });
    expect(production.evaluate('checkout', user)).toMatchObject({ enabled: true, reason: 'ROLLOUT_FULL' });

    await command(t, 'post', '/v1/environments/staging/flags/checkout/kill-switch/release');
    const productionKill = await command(t, 'post', '/v1/flags/checkout/kill-switch/engage');
    await eventually(() => production.headSeq >= productionKill.event.seq, 'production to apply the kill switch');
    expect(production.evaluate('checkout', user)).toMatchObject({ enabled: false, reason: 'KILL_SWITCH' });
    await eventually(() => staging.isEnabled('checkout', user), 'staging to apply the release');
    expect(staging.evaluate('checkout', user)).toMatchObject({ enabled: true });
    await command(t, 'post', '/v1/flags/checkout/kill-switch/release');
  });

  it('answers exactly what the server answers in its environment', async () => {
    await command(t, 'put', '/v1/environments/staging/flags/checkout/rollout', { percentage: 30 });
    await eventually(() => staging.allFlags()[0]?.rolloutPercentage === 30, 'staging rollout');
    for (const userId of ['a', 'b', 'c', 'd', 'e', 'f']) {
      const server = await t
        .as('evaluator')
        .post('/v1/environments/staging/evaluate')
        .send({ flagKey: 'checkout', context: { userId } })
        .expect(200);
      expect(staging.evaluate('checkout', { userId })).toEqual(server.body);
    }
  });

  it('passes the environment through an OpenFeature provider built on the client', async () => {
    await OpenFeature.setProviderAndWait(new FlagledgerProvider(staging, { reconnectPollMs: 20 }));
    const details = await OpenFeature.getClient().getBooleanDetails('checkout', true, { targetingKey: 'b' });
    const expected = staging.evaluate('checkout', { userId: 'b' });
    expect(details.value).toBe(expected.enabled);
    expect(details.flagMetadata).toMatchObject({ flagVersion: expected.flagVersion });
  });

  it('keeps a bootstrap file per environment and refuses one written for another', async () => {
    const file = join(dir, 'staging.json');
    const writer = await start('staging', file);
    await eventually(() => writer.connected, 'the writer');
    await writer.close();
    const unreachable = { url: 'http://127.0.0.1:1', token: 'x', startTimeoutMs: 200, bootstrapFile: file };
    const fromFile = await FlagledgerClient.start({ ...unreachable, environment: 'staging', reportIntervalMs: 0 });
    expect(fromFile.allFlags()).toEqual(staging.allFlags());
    await fromFile.close();
    await expect(FlagledgerClient.start({ ...unreachable, reportIntervalMs: 0 })).rejects.toThrow(
      /holds the flags of environment 'staging', not of the server's default environment/,
    );
    writeFileSync(file, JSON.stringify({ headSeq: 1, flags: [] }));
    await expect(
      FlagledgerClient.start({ ...unreachable, environment: 'staging', reportIntervalMs: 0 }),
    ).rejects.toThrow(/not of environment 'staging'/);
  });

  it('refuses to start on an environment the server does not know, with no bootstrap file', async () => {
    await expect(start('nowhere')).rejects.toThrow('GET /v1/environments/nowhere/snapshot answered 404');
  });
});
