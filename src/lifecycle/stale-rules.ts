import type { EnvironmentType } from '../environments/index.js';
import { environmentStateOf, type FlagRecord, type FlagState } from '../flags/index.js';

export const STALE_RULES = [
  'RELEASE_FULLY_ROLLED_OUT',
  'EXPERIMENT_EXPIRED',
  'PAST_EXPIRY',
  'NOT_EVALUATED',
  'NEVER_EVALUATED',
] as const;
export type StaleRule = (typeof STALE_RULES)[number];

export interface StaleThresholds {
  /** A release flag fully rolled out for longer than this is done: remove it (brief: 30 days). */
  releaseFullyRolledOutDays: number;
  /** A flag not evaluated for longer than this (or never, and created that long ago) is dead code (brief: 90 days). */
  unusedDays: number;
}

export const DEFAULT_STALE_THRESHOLDS: StaleThresholds = { releaseFullyRolledOutDays: 30, unusedDays: 90 };

/** What the rules need beyond the flag's current state. */
export interface StaleFacts {
  /**
   * When the flag last became enabled + 100 % + no kill switch in every production environment, if it
   * still is; from the event history (fullyRolledOutSince).
   */
  fullyRolledOutSince: string | null;
  /** The latest over all environments (docs/contract.md §7). */
  lastEvaluatedAt: string | null;
}

/** What the rules read of the flag itself: its definition, shared by every environment. */
export type StaleRuleFlag = Pick<FlagState, 'type' | 'archived' | 'expiresAt' | 'createdAt'>;

const DAY_MS = 86_400_000;

/** docs/contract.md §5: every rule that makes the flag stale, in a fixed order; none for an archived flag. */
export function staleRules(
  flag: StaleRuleFlag,
  facts: StaleFacts,
  now: Date,
  thresholds: StaleThresholds,
): StaleRule[] {
  if (flag.archived) return [];
  const rules: StaleRule[] = [];
  const olderThan = (iso: string, days: number) => now.getTime() - Date.parse(iso) > days * DAY_MS;
  if (
    flag.type === 'release' &&
    facts.fullyRolledOutSince !== null &&
    olderThan(facts.fullyRolledOutSince, thresholds.releaseFullyRolledOutDays)
  ) {
    rules.push('RELEASE_FULLY_ROLLED_OUT');
  }
  if (flag.expiresAt !== null && Date.parse(flag.expiresAt) < now.getTime())
    rules.push(flag.type === 'experiment' ? 'EXPERIMENT_EXPIRED' : 'PAST_EXPIRY');
  if (facts.lastEvaluatedAt !== null) {
    if (olderThan(facts.lastEvaluatedAt, thresholds.unusedDays)) rules.push('NOT_EVALUATED');
  } else if (olderThan(flag.createdAt, thresholds.unusedDays)) {
    rules.push('NEVER_EVALUATED');
  }
  return rules;
}

export function isFullyRolledOut(
  flag: Pick<FlagState, 'enabled' | 'rolloutPercentage' | 'killSwitch' | 'archived'>,
): boolean {
  return flag.enabled && flag.rolloutPercentage === 100 && !flag.killSwitch && !flag.archived;
}

/** docs/contract.md §7: the stale rules that speak of rollout judge it in the environments of type `production`. */
export function productionEnvironments(environments: readonly { key: string; type: EnvironmentType }[]): string[] {
  return environments.filter((environment) => environment.type === 'production').map((environment) => environment.key);
}

/**
 * Fully rolled out in every one of `production`, not merely in one: RELEASE_FULLY_ROLLED_OUT says "remove
 * the flag", and removing it turns the feature on in all of them, so one production environment still at
 * 50 % or behind a kill switch keeps the flag needed. With no production environment at all no rollout is
 * finished (an empty "every" would call every release flag done).
 */
export function isFullyRolledOutIn(record: FlagRecord, production: readonly string[]): boolean {
  return (
    production.length > 0 &&
    production.every((environment) =>
      isFullyRolledOut({ ...environmentStateOf(record, environment), archived: record.archived }),
    )
  );
}
