/**
 * The one key every evaluation of a key that is not a flag is counted under, in /metrics and in the
 * telemetry tables. Callers choose the keys they evaluate or report, so counting each under its own name
 * would let any evaluator token grow both without bound. Flag keys must match FLAG_KEY_PATTERN (lower-case
 * letters, digits, `.`, `_`, `-`), which has no parentheses, so no flag can ever be named this.
 */
export const UNKNOWN_FLAG_KEY = '(unknown)';
