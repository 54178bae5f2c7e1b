import { once } from 'node:events';
import { InMemStorageProvider, Unleash, UnleashEvents, type UnleashConfig } from 'unleash-client';
import { startTestApp, type TestApp } from './test-app.js';

/**
 * The real npm `unleash-client` against the test server: the token raw in Authorization, as Unleash SDKs
 * send it; no metrics unless asked for; nothing written to disk. Its `error` events are taken (an emitter
 * without a listener throws them, and some tests provoke them on purpose). Not yet synchronized.
 */
export function unleashSdk(t: TestApp, token: string, appName: string, options: Partial<UnleashConfig> = {}): Unleash {
  const client = new Unleash({
    url: `${t.url}/api/`,
    appName,
    customHeaders: { Authorization: token },
    disableMetrics: true,
    storageProvider: new InMemStorageProvider(),
    skipInstanceCountWarning: true,
    ...options,
  });
  client.on(UnleashEvents.Error, () => undefined);
  return client;
}

/** unleashSdk, once it has its first flags. */
export async function synchronizedUnleashSdk(...args: Parameters<typeof unleashSdk>): Promise<Unleash> {
  const client = unleashSdk(...args);
  await once(client, UnleashEvents.Synchronized);
  return client;
}

/** The Unleash suites' server: a `staging` environment beside production, for tokens scoped to it. */
export async function startTestAppWithStaging(): Promise<TestApp> {
  const t = await startTestApp();
  await t.as('admin').post('/v1/environments').send({ key: 'staging', name: 'Staging', type: 'staging' }).expect(201);
  return t;
}

/** A new evaluator token scoped to staging alone: the one an Unleash SDK is served staging with. */
export async function stagingEvaluatorSecret(t: TestApp, name: string): Promise<string> {
  const issued = await t
    .as('admin')
    .post('/v1/tokens')
    .send({ name, role: 'evaluator', environments: ['staging'] })
    .expect(201);
  return issued.body.secret as string;
}
