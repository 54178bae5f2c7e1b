import type { EvaluableFlag, EvaluationReason } from '../evaluation-engine/index.js';

/**
 * The engine reasons an Unleash SDK's yes and no counts are recorded under. The SDK says only on or off,
 * so the reason is the one Flagledger's engine gives for that answer with the flag as it is now:
 * - a name that is no flag: FLAG_NOT_FOUND for both (a yes can only come from a stale or made-up feature).
 * - yes: ROLLOUT_FULL at 100 %, else ROLLOUT_IN (served features are only ever on through a rollout).
 * - no: why the flag is off (ARCHIVED, KILL_SWITCH,
 *   DISABLED); when it is on, SEGMENT_MISMATCH if it targets segments at 100 % (nothing else says no
 *   there), else ROLLOUT_OUT: the most common cause of a no under a partial rollout, although a user
 *   outside the segment or without a userId also counts there (the SDK does not tell them apart).
 * A flag changed between the SDK's evaluation and its report is counted under the reasons of now.
 */
export function toggleCountReasons(flag: EvaluableFlag | undefined): { yes: EvaluationReason; no: EvaluationReason } {
  if (flag === undefined) return { yes: 'FLAG_NOT_FOUND', no: 'FLAG_NOT_FOUND' };
  return { yes: flag.rolloutPercentage >= 100 ? 'ROLLOUT_FULL' : 'ROLLOUT_IN', no: noReason(flag) };
}

function noReason(flag: EvaluableFlag): EvaluationReason {
  if (flag.archived) return 'ARCHIVED';
  if (flag.killSwitch) return 'KILL_SWITCH';
  if (!flag.enabled) return 'DISABLED';
  if (flag.rolloutPercentage >= 100 && flag.targetSegments.length > 0) return 'SEGMENT_MISMATCH';
  return 'ROLLOUT_OUT';
}
