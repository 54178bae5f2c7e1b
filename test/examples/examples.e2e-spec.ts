import { FlagledgerClient } from '../../src/sdk/index.js';
import { command as flagCommand, createFlag } from '../support/flags.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TOKENS } from '../support/tokens.js';
import { callExternalApi, CIRCUIT_BREAKER_FLAG, LastResponseCache } from './external-api-circuit-breaker.js';
import {
  FakeApi,
  FakeEngine,
  FakeProcessor,
  order,
  RecordingAnalytics,
  RecordingCounter,
  RecordingHistogram,
} from './fakes.js';
import { NEW_PAYMENT_PROCESSOR, processPayment } from './payment-processing.js';
import { getRecommendations, RECOMMENDATION_V2 } from './recommendation-rollout.js';

/**
 * The examples with production wiring: a FlagledgerClient following the real server. Each flag is flipped
 * over REST, and the example takes the other path once the change has reached the client.
 */
describe('examples against the real server', () => {
  let t: TestApp;
  let flags: FlagledgerClient;

  /** Runs a flag command over REST and waits until the client has applied it; answers the new flag version. */
  async function command(method: 'post' | 'put', path: string, body: object = {}): Promise<number> {
    const { event, flag } = await flagCommand(t, method, `/v1/flags/${path}`, body);
    const deadline = Date.now() + 5000;
    while (flags.headSeq < event.seq) {
      if (Date.now() > deadline) throw new Error(`the client never saw seq ${event.seq}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return flag.version;
  }

  beforeAll(async () => {
    t = await startTestApp();
    await createFlag(t, NEW_PAYMENT_PROCESSOR, { enabled: true });
    await flagCommand(t, 'post', '/v1/flags', {
      key: CIRCUIT_BREAKER_FLAG,
      type: 'operational',
      owner: 'platform-team',
    });
    await createFlag(t, RECOMMENDATION_V2, { type: 'experiment', owner: 'discovery-team' });
    flags = await FlagledgerClient.start({ url: t.url, token: TOKENS.evaluator.secret });
  });
  afterAll(async () => {
    await flags?.close();
    await t?.close();
  });

  it('payment: new processor while new_payment_processor is on, legacy once it is disabled over REST', async () => {
    const deps = {
      flags,
      newProcessor: new FakeProcessor('new'),
      legacyProcessor: new FakeProcessor('legacy'),
      metrics: new RecordingCounter(),
    };
    await expect(processPayment(order, deps)).resolves.toMatchObject({ processor: 'new' });
    await command('post', `${NEW_PAYMENT_PROCESSOR}/disable`, { reason: 'processor incident' });
    await expect(processPayment(order, deps)).resolves.toMatchObject({ processor: 'legacy', fellBack: false });
  });

  it('circuit breaker: calls the API, then answers from the cache once the kill switch is engaged over REST', async () => {
    const deps = {
      flags,
      api: new FakeApi(),
      cache: new LastResponseCache(),
      defaultResponse: () => ({ status: 503, body: null }),
    };
    await expect(callExternalApi({ path: '/rates' }, deps)).resolves.toMatchObject({ source: 'api' });
    await command('post', `${CIRCUIT_BREAKER_FLAG}/kill-switch/engage`, { reason: 'vendor outage' });
    await expect(callExternalApi({ path: '/rates' }, deps)).resolves.toMatchObject({ source: 'cache' });
    await expect(callExternalApi({ path: '/other' }, deps)).resolves.toMatchObject({ source: 'default' });
    expect(deps.api.calls).toEqual(['/rates']);
  });

  it('recommendations: v1 while recommendation_v2 is off, v2 once it is enabled over REST, each logged with its flag version', async () => {
    const deps = {
      flags,
      v1: new FakeEngine([{ id: 'p1' }]),
      v2: new FakeEngine([{ id: 'p2' }]),
      metrics: new RecordingHistogram(),
      analytics: new RecordingAnalytics(),
    };
    await getRecommendations('user-42', deps);
    const version = await command('post', `${RECOMMENDATION_V2}/enable`, { reason: 'start experiment' });
    await getRecommendations('user-42', deps);
    expect(
      deps.analytics.events.map(({ algorithm, reason, flagVersion }) => ({ algorithm, reason, flagVersion })),
    ).toEqual([
      { algorithm: 'v1', reason: 'DISABLED', flagVersion: version - 1 },
      { algorithm: 'v2', reason: 'ROLLOUT_FULL', flagVersion: version },
    ]);
    expect(deps.metrics.samples.map((sample) => sample.algorithm)).toEqual(['v1', 'v2']);
  });
});
