import type { FlagType } from './flag.events.js';

/** Policy the decider applies that an operator may tune (FLAGLEDGER_FLAG_LIFETIME_DAYS). */
export interface FlagRules {
  /**
   * The lifetime suggested to the owner of a temporary flag created without expiresAt. A suggestion in
   * the error, never a silent default: the owner decides when the flag is removed (brief, rule 1).
   */
  suggestedLifetimeDays: Readonly<Partial<Record<FlagType, number>>>;
}

/** Unleash's expected lifetimes for release and experiment toggles. */
export const DEFAULT_FLAG_RULES: FlagRules = { suggestedLifetimeDays: { release: 40, experiment: 40 } };
