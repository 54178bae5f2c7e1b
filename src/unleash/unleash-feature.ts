import type { EvaluableFlag } from '../evaluation-engine/index.js';

/** A constraint as Unleash SDKs read it; Flagledger only ever sends `segment IN [...]`. */
export interface UnleashConstraint {
  contextName: 'segment';
  operator: 'IN';
  values: string[];
  inverted: false;
  caseInsensitive: false;
}

export type UnleashStrategy =
  | { name: 'default'; parameters: Record<string, never>; constraints: UnleashConstraint[] }
  | {
      name: 'flexibleRollout';
      parameters: { rollout: string; stickiness: 'userId'; groupId: string };
      constraints: UnleashConstraint[];
    };

export interface UnleashFeature {
  name: string;
  enabled: boolean;
  strategies: UnleashStrategy[];
}

/** The body of GET /api/client/features (Unleash client API, format version 2). */
export interface UnleashClientFeatures {
  version: 2;
  features: UnleashFeature[];
}

/**
 * One live flag as an Unleash feature that an Unleash SDK evaluates exactly as Flagledger's engine does
 * (docs/contract.md §2, §11); archived flags are never passed (unleashClientFeatures leaves them out).
 * - kill switch, off, or rollout 0: `enabled: false`. An Unleash feature that is on with no strategy
 *   answers true, so "off" is only ever said by `enabled`.
 * - rollout 100: strategy `default`, not flexibleRollout at 100: with userId stickiness that answers
 *   false without a userId, where Flagledger answers true.
 * - 1–99: flexibleRollout, stickiness `userId` (`default` falls back to random), groupId = the key: the
 *   SDK then hashes `key:userId` exactly as rolloutBucket does, and answers false without a userId as the
 *   engine does (MISSING_USER_ID).
 * - target segments: `segment IN [...]` on the strategy; the SDK reads `context.segment` or
 *   `context.properties.segment` and matches exactly, as the engine does. Absent segment: false, as
 *   SEGMENT_MISMATCH.
 */
export function unleashFeature(flag: EvaluableFlag): UnleashFeature {
  const on = flag.enabled && !flag.killSwitch && flag.rolloutPercentage > 0;
  if (!on) return { name: flag.key, enabled: false, strategies: [] };
  const constraints: UnleashConstraint[] =
    flag.targetSegments.length === 0
      ? []
      : [
          {
            contextName: 'segment',
            operator: 'IN',
            values: [...flag.targetSegments],
            inverted: false,
            caseInsensitive: false,
          },
        ];
  const strategy: UnleashStrategy =
    flag.rolloutPercentage >= 100
      ? { name: 'default', parameters: {}, constraints }
      : {
          name: 'flexibleRollout',
          parameters: { rollout: String(flag.rolloutPercentage), stickiness: 'userId', groupId: flag.key },
          constraints,
        };
  return { name: flag.key, enabled: true, strategies: [strategy] };
}

/**
 * An environment's flags for Unleash SDKs, in the order given (a snapshot's key order, so equal states give
 * equal bodies, and ETags). Archived flags are left out: to an SDK an absent feature is false, as ARCHIVED.
 */
export function unleashClientFeatures(flags: readonly EvaluableFlag[]): UnleashClientFeatures {
  return { version: 2, features: flags.filter((flag) => !flag.archived).map(unleashFeature) };
}
