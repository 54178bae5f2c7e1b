import { OpenFeature, ProviderEvents, ProviderStatus, type EventDetails } from '@openfeature/server-sdk';
import { FlagledgerClient } from '../../src/sdk/index.js';
import { FlagledgerProvider } from '../../src/sdk/openfeature/index.js';
import { releaseFlag } from '../support/flags.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TOKENS } from '../support/tokens.js';

const nextEvent = (event: ProviderEvents): Promise<EventDetails | undefined> =>
  new Promise((resolve) => {
    const handler = (details?: EventDetails): void => {
      OpenFeature.removeHandler(event, handler);
      resolve(details);
    };
    OpenFeature.addHandler(event, handler);
  });

async function eventually(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('OpenFeature provider over a FlagledgerClient following the real server', () => {
  let t: TestApp;
  let port: number;
  let client: FlagledgerClient;
  const context = { targetingKey: 'user-42', segment: 'enterprise' };

  beforeAll(async () => {
    t = await startTestApp();
    port = Number(new URL(t.url).port);
    await t
      .http()
      .post('/v1/flags')
      .set('Authorization', t.auth('editor'))
      .send(
        releaseFlag('new_payment_processor', { enabled: true, rolloutPercentage: 50, targetSegments: ['enterprise'] }),
      )
      .expect(201);
    client = await FlagledgerClient.start({
      url: t.url,
      token: TOKENS.evaluator.secret,
      reconnectInitialMs: 50,
      reconnectMaxMs: 200,
    });
    client.on('error', () => undefined);
    await OpenFeature.setProviderAndWait(new FlagledgerProvider(client, { reconnectPollMs: 20 }));
    await eventually(() => client.connected);
  });
  afterAll(async () => {
    await OpenFeature.close();
    await client?.close();
    await t?.close();
  });

  it('answers getBooleanDetails as POST /v1/evaluate does, in OpenFeature terms', async () => {
    const server = (
      await t
        .http()
        .post('/v1/evaluate')
        .set('Authorization', t.auth('evaluator'))
        .send({ flagKey: 'new_payment_processor', context: { userId: 'user-42', segment: 'enterprise' } })
        .expect(200)
    ).body;
    const details = await OpenFeature.getClient().getBooleanDetails('new_payment_processor', !server.enabled, context);
    expect(details).toMatchObject({
      flagKey: 'new_payment_processor',
      value: server.enabled,
      variant: server.enabled ? 'on' : 'off',
      reason: 'SPLIT',
      flagMetadata: { flagledgerReason: server.reason, bucket: server.bucket, flagVersion: server.flagVersion },
    });
    expect(details.errorCode).toBeUndefined();
  });

  it('emits PROVIDER_CONFIGURATION_CHANGED for a flag changed over REST, and answers from the new state', async () => {
    const changed = nextEvent(ProviderEvents.ConfigurationChanged);
    const engaged = await t
      .http()
      .post('/v1/flags/new_payment_processor/kill-switch/engage')
      .set('Authorization', t.auth('editor'))
      .send({ reason: 'processor timeouts' })
      .expect(200);
    await expect(changed).resolves.toMatchObject({
      flagsChanged: ['new_payment_processor'],
      metadata: { seq: engaged.body.event.seq },
    });
    await expect(
      OpenFeature.getClient().getBooleanDetails('new_payment_processor', true, context),
    ).resolves.toMatchObject({
      value: false,
      variant: 'off',
      reason: 'DISABLED',
      flagMetadata: { flagledgerReason: 'KILL_SWITCH', flagVersion: engaged.body.flag.version },
    });
  });

  it('goes STALE while the server is down, keeps answering from the last state, and is READY again after it returns', async () => {
    const stale = nextEvent(ProviderEvents.Stale);
    await t.close();
    await stale;
    expect(OpenFeature.getClient().providerStatus).toBe(ProviderStatus.STALE);
    await expect(OpenFeature.getClient().getBooleanValue('new_payment_processor', true, context)).resolves.toBe(false);

    const ready = nextEvent(ProviderEvents.Ready);
    t = await startTestApp({ dbPath: t.dbPath, port });
    await ready;
    expect(OpenFeature.getClient().providerStatus).toBe(ProviderStatus.READY);
  });

  it('leaves the client it was given open when OpenFeature closes the provider', async () => {
    await OpenFeature.close();
    const released = await t
      .http()
      .post('/v1/flags/new_payment_processor/kill-switch/release')
      .set('Authorization', t.auth('editor'))
      .expect(200);
    await eventually(() => client.headSeq === released.body.event.seq);
    expect(client.connected).toBe(true);
    expect(client.listenerCount('changed')).toBe(0);
  });
});
