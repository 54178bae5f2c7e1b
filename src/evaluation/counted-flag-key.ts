import type { FlagState } from '../flags/index.js';
import { UNKNOWN_FLAG_KEY } from '../telemetry/index.js';

/**
 * The key an evaluation of `key` is counted under, given the flag's current state (what the caller looked
 * up to answer it): its own if it is a flag (archived ones included), UNKNOWN_FLAG_KEY otherwise. Callers choose the keys they evaluate or report, so counting
 * each under its own name would let any evaluator token grow /metrics and the telemetry tables without
 * bound. Decided per evaluation: once a key is created, later evaluations count under it and earlier ones
 * stay where they were counted. Flags are never deleted, so a key never goes back.
 */
export function countedFlagKey(key: string, flag: FlagState | undefined): string {
  return flag === undefined ? UNKNOWN_FLAG_KEY : key;
}
