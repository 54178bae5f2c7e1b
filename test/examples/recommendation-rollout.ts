import type { EvaluationReason, FlagSource } from '../../src/sdk/index.js';

/**
 * Brief, pattern 3: a gradual rollout of a new algorithm, measuring each variant. Every request records
 * which algorithm served it, how long it took, and the flag version and reason that decided it (brief,
 * rule 5), so a latency regression or an odd split can be traced to the exact flag change.
 */

export const RECOMMENDATION_V2 = 'recommendation_v2';
export const LATENCY_METRIC = 'recommendations.latency';
export const SERVED_EVENT = 'recommendations_served';

export type Algorithm = 'v1' | 'v2';

export interface Product {
  id: string;
}

export interface RecommendationEngine {
  getRecommendations(userId: string): Promise<Product[]>;
}

export interface Histogram {
  histogram(name: string, value: number, tags: { algorithm: Algorithm }): void;
}

export interface RecommendationsServed {
  userId: string;
  algorithm: Algorithm;
  count: number;
  productIds: string[];
  flagKey: string;
  /** The flag version that decided; null when the flag does not exist (v1 served by default). */
  flagVersion: number | null;
  reason: EvaluationReason;
  /** The user's 1–100 rollout bucket, when the percentage rollout hashed them. */
  bucket?: number;
}

export interface Analytics {
  track(event: typeof SERVED_EVENT, properties: RecommendationsServed): void;
}

export interface RecommendationDeps {
  flags: FlagSource;
  v1: RecommendationEngine;
  v2: RecommendationEngine;
  metrics: Histogram;
  analytics: Analytics;
  /** Milliseconds from a monotonic clock; tests pass a fake one. */
  now?: () => number;
}

export async function getRecommendations(userId: string, deps: RecommendationDeps): Promise<Product[]> {
  // evaluate(), not isEnabled(): the reason and version are what the analytics event must carry.
  const decision = deps.flags.evaluate(RECOMMENDATION_V2, { userId });
  const algorithm: Algorithm = decision.enabled ? 'v2' : 'v1';
  const now = deps.now ?? (() => performance.now());

  const startedAt = now();
  const recommendations = await (algorithm === 'v2' ? deps.v2 : deps.v1).getRecommendations(userId);
  deps.metrics.histogram(LATENCY_METRIC, now() - startedAt, { algorithm });

  deps.analytics.track(SERVED_EVENT, {
    userId,
    algorithm,
    count: recommendations.length,
    productIds: recommendations.map((product) => product.id),
    flagKey: RECOMMENDATION_V2,
    flagVersion: decision.flagVersion,
    reason: decision.reason,
    ...(decision.bucket !== undefined ? { bucket: decision.bucket } : {}),
  });
  return recommendations;
}
