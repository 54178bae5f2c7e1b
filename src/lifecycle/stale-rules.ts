import type { FlagState } from '../flags/index.js';

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
  /** When the flag last became enabled + 100 % + no kill switch, if it still is; from the event history. */
  fullyRolledOutSince: string | null;
  lastEvaluatedAt: string | null;
}

const DAY_MS = 86_400_000;

/** docs/contract.md §5: every rule that makes the flag stale, in a fixed order; none for an archived flag. */
export function staleRules(flag: FlagState, facts: StaleFacts, now: Date, thresholds: StaleThresholds): StaleRule[] {
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
