import { rolloutBucket } from './bucketing.js';
import type { EvaluableFlag, EvaluationContext, EvaluationResult } from './types.js';

/**
 * The brief's isFeatureEnabled, rule for rule (docs/contract.md §2); the first rule that matches answers.
 * Deterministic: the same flag version and context always give the same result.
 */
export function evaluateFlag(
  flagKey: string,
  flag: EvaluableFlag | undefined,
  context: EvaluationContext,
): EvaluationResult {
  if (flag === undefined) return { flagKey, enabled: false, reason: 'FLAG_NOT_FOUND', flagVersion: null };
  const flagVersion = flag.version;
  if (flag.archived) return { flagKey, enabled: false, reason: 'ARCHIVED', flagVersion };
  if (flag.killSwitch) return { flagKey, enabled: false, reason: 'KILL_SWITCH', flagVersion };
  if (!flag.enabled) return { flagKey, enabled: false, reason: 'DISABLED', flagVersion };
  if (flag.targetSegments.length > 0) {
    const segment = context.segment;
    if (segment === undefined || segment === null || !isTargeted(flag.targetSegments, segment)) {
      return { flagKey, enabled: false, reason: 'SEGMENT_MISMATCH', flagVersion };
    }
  }
  if (flag.rolloutPercentage >= 100) return { flagKey, enabled: true, reason: 'ROLLOUT_FULL', flagVersion };
  if (flag.rolloutPercentage <= 0) return { flagKey, enabled: false, reason: 'ROLLOUT_OUT', flagVersion };
  const userId = context.userId;
  // Never random (brief, rule 3): without a user there is nothing stable to hash.
  if (userId === undefined || userId === null || userId === '') {
    return { flagKey, enabled: false, reason: 'MISSING_USER_ID', flagVersion };
  }
  const bucket = rolloutBucket(flag.key, userId);
  return bucket <= flag.rolloutPercentage
    ? { flagKey, enabled: true, reason: 'ROLLOUT_IN', bucket, flagVersion }
    : { flagKey, enabled: false, reason: 'ROLLOUT_OUT', bucket, flagVersion };
}

/** targetSegments.includes(segment) as a plain loop, which measured faster on short lists (bench/RESULTS.md, engine). */
function isTargeted(targetSegments: readonly string[], segment: string): boolean {
  for (let i = 0; i < targetSegments.length; i++) if (targetSegments[i] === segment) return true;
  return false;
}
