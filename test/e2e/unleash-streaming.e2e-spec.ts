import { type Unleash, UnleashEvents } from 'unleash-client';
import { command, createFlag } from '../support/flags.js';
import { expectProblem } from '../support/problem.js';
import type { TestApp } from '../support/test-app.js';
import { TOKENS } from '../support/tokens.js';
import {
  stagingEvaluatorSecret,
  startTestAppWithStaging,
  synchronizedUnleashSdk,
  unleashSdk,
} from '../support/unleash-sdk.js';

/**
 * docs/contract.md §11: the real npm `unleash-client` in streaming mode follows GET /api/client/streaming.
 * Its poll interval is far beyond the test, so anything it learns after the hydration came by the stream.
 */
const NEVER_POLLS_MS = 10 * 60_000;

const STREAMING = { refreshInterval: NEVER_POLLS_MS, experimentalMode: { type: 'streaming' as const } };

const connect = (t: TestApp, token: string, appName: string): Promise<Unleash> =>
  synchronizedUnleashSdk(t, token, appName, STREAMING);

/** Resolves at the first `changed` event after which `done` holds. */
function changedUntil(client: Unleash, done: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const onChanged = (): void => {
      if (!done()) return;
      client.off(UnleashEvents.Changed, onChanged);
      resolve();
    };
    client.on(UnleashEvents.Changed, onChanged);
  });
}

describe('Unleash streaming mode with the real unleash-client SDK (docs/contract.md §11)', () => {
  let t: TestApp;
  let production: Unleash;
  const clients: Unleash[] = [];

  beforeAll(async () => {
    t = await startTestAppWithStaging();
    await createFlag(t, 'checkout', { enabled: true });
    await createFlag(t, 'partial', { enabled: true, rolloutPercentage: 37 });
    await createFlag(t, 'doomed', { enabled: true });
    await createFlag(t, 'both');
    production = await connect(t, TOKENS.evaluator.secret, 'unleash-stream-e2e');
    clients.push(production);
  });

  afterAll(async () => {
    for (const client of clients) client.destroy();
    await t?.close();
  });

  it('synchronizes from the hydration: the same features as GET /api/client/features', async () => {
    const raw = await t.http().get('/api/client/features').set('Authorization', TOKENS.evaluator.secret).expect(200);
    for (const feature of raw.body.features as { name: string }[])
      expect(production.getFeatureToggleDefinition(feature.name)).toEqual(feature);
    expect(production.getFeatureToggleDefinitions().length).toBe(raw.body.features.length);
    expect(production.isEnabled('checkout', {})).toBe(true);
  });

  it('gets a kill switch engaged over REST as a changed event within 1 s', async () => {
    const off = changedUntil(production, () => !production.isEnabled('checkout', {}));
    const started = performance.now();
    await command(t, 'post', '/v1/flags/checkout/kill-switch/engage', { reason: 'incident' });
    await off;
    expect(performance.now() - started).toBeLessThan(1000);
    const on = changedUntil(production, () => production.isEnabled('checkout', {}));
    await command(t, 'post', '/v1/flags/checkout/kill-switch/release', { reason: 'fixed' });
    await on;
  });

  it('drops an archived flag, so the SDK answers false for it', async () => {
    const removed = changedUntil(production, () => production.getFeatureToggleDefinition('doomed') === undefined);
    await command(t, 'post', '/v1/flags/doomed/archive', { reason: 'gone' });
    await removed;
    expect(production.isEnabled('doomed', {})).toBe(false);
  });

  it("streams a token scoped to staging staging's changes only", async () => {
    const staging = await connect(
      t,
      await stagingEvaluatorSecret(t, 'staging-unleash-stream'),
      'unleash-stream-e2e-staging',
    );
    clients.push(staging);
    let stagingChanges = 0;
    staging.on(UnleashEvents.Changed, () => stagingChanges++);

    const inProduction = changedUntil(production, () => production.isEnabled('both', {}));
    await command(t, 'post', '/v1/flags/both/enable');
    await inProduction;
    // The same commit reached production's stream; staging's would have had it by now too.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stagingChanges).toBe(0);
    expect(staging.isEnabled('both', {})).toBe(false);

    const inStaging = changedUntil(staging, () => staging.isEnabled('both', {}));
    await command(t, 'post', '/v1/environments/staging/flags/both/enable');
    await inStaging;
    expect(stagingChanges).toBe(1);
  });

  it('refuses a wrong token with 401, and the SDK keeps running without flags', async () => {
    expectProblem(await t.http().get('/api/client/streaming').set('Authorization', 'not-a-token'), 401);
    const wrong = unleashSdk(t, 'not-a-token', 'unleash-stream-e2e-wrong', STREAMING);
    clients.push(wrong);
    let synchronized = false;
    wrong.on(UnleashEvents.Synchronized, () => (synchronized = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(synchronized).toBe(false);
    expect(wrong.isEnabled('partial', { userId: 'u' })).toBe(false);
    // The right token's stream is unaffected.
    const off = changedUntil(production, () => !production.isEnabled('checkout', {}));
    await command(t, 'post', '/v1/flags/checkout/kill-switch/engage', { reason: 'again' });
    await off;
  });
});
