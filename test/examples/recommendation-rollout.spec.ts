import { InMemoryFlags, type EvaluationReason } from '../../src/sdk/index.js';
import { FakeEngine, RecordingAnalytics, RecordingHistogram } from './fakes.js';
import {
  getRecommendations,
  LATENCY_METRIC,
  RECOMMENDATION_V2,
  type RecommendationDeps,
} from './recommendation-rollout.js';

const v1Products = [{ id: 'p1' }, { id: 'p2' }];
const v2Products = [{ id: 'p9' }];

describe('getRecommendations (brief, pattern 3: gradual algorithm rollout)', () => {
  let flags: InMemoryFlags;
  let deps: RecommendationDeps & {
    v1: FakeEngine;
    v2: FakeEngine;
    metrics: RecordingHistogram;
    analytics: RecordingAnalytics;
  };

  beforeEach(() => {
    flags = new InMemoryFlags();
    let clock = 1000;
    deps = {
      flags,
      v1: new FakeEngine(v1Products),
      v2: new FakeEngine(v2Products),
      metrics: new RecordingHistogram(),
      analytics: new RecordingAnalytics(),
      // Each read moves 12 ms on, so the measured latency is 12 ms.
      now: () => (clock += 12),
    };
  });

  it('serves v2 when the flag is on and v1 when it is off', async () => {
    await flags.forEachFlagState(RECOMMENDATION_V2, async (state) => {
      await expect(getRecommendations('user-7', deps)).resolves.toEqual(state === 'on' ? v2Products : v1Products);
    });
    expect(deps.analytics.events.map((event) => event.algorithm)).toEqual(['v2', 'v1']);
  });

  it('records the latency tagged with the algorithm that served', async () => {
    flags.override(RECOMMENDATION_V2, { enabled: true });
    await getRecommendations('user-7', deps);
    expect(deps.metrics.samples).toEqual([{ name: LATENCY_METRIC, value: 12, algorithm: 'v2' }]);
  });

  it('tracks the served products with the deciding flag version and reason', async () => {
    flags.override(RECOMMENDATION_V2, { enabled: false });
    await getRecommendations('user-7', deps);
    expect(deps.analytics.events).toEqual([
      {
        userId: 'user-7',
        algorithm: 'v1',
        count: 2,
        productIds: ['p1', 'p2'],
        flagKey: RECOMMENDATION_V2,
        flagVersion: 1,
        reason: 'DISABLED',
      },
    ]);
    expect(deps.v2.asked).toEqual([]);
  });

  it('serves v1 with reason FLAG_NOT_FOUND and no version when the flag does not exist', async () => {
    await getRecommendations('user-7', deps);
    expect(deps.analytics.events[0]).toMatchObject({ algorithm: 'v1', reason: 'FLAG_NOT_FOUND', flagVersion: null });
  });

  it('splits users by bucket in a partial rollout and logs each user bucket and reason', async () => {
    flags.override(RECOMMENDATION_V2, { enabled: true, rolloutPercentage: 50 });
    for (let i = 0; i < 40; i++) await getRecommendations(`user-${i}`, deps);
    const reasons = new Set<EvaluationReason>(deps.analytics.events.map((event) => event.reason));
    expect(reasons).toEqual(new Set(['ROLLOUT_IN', 'ROLLOUT_OUT']));
    for (const event of deps.analytics.events) {
      expect(event.algorithm).toBe(event.reason === 'ROLLOUT_IN' ? 'v2' : 'v1');
      expect(event.bucket! <= 50).toBe(event.algorithm === 'v2');
    }
  });
});
