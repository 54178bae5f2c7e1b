import type { DecisionLogConfig } from '../decision-log/index.js';

/**
 * FLAGLEDGER_DECISION_LOG (+ _SAMPLE, _HASH_KEY) → config; null when the log is off (the default). Read
 * here, not in decision-log/: that slice takes the signing key from integrity/, which reads config/.
 */
export function parseDecisionLogConfig(
  target: string | undefined,
  sample: string | undefined,
  hashKey?: string,
): DecisionLogConfig | null {
  const value = target?.trim();
  if (!value) return null;
  const rate = sample === undefined || sample.trim() === '' ? 1 : Number(sample);
  if (!(rate > 0 && rate <= 1))
    throw new Error(`FLAGLEDGER_DECISION_LOG_SAMPLE: must be a number in (0, 1], got '${sample}'`);
  const key = hashKey?.trim() || undefined;
  // A short key could be searched along with the guessed ids, which is what the key is there to prevent.
  if (key !== undefined && key.length < 16)
    throw new Error('FLAGLEDGER_DECISION_LOG_HASH_KEY: must be at least 16 characters');
  const keyed = key === undefined ? {} : { hashKey: key };
  if (value === 'stdout') return { target: { kind: 'stdout' }, sampleRate: rate, ...keyed };
  if (value.startsWith('file:') && value.length > 'file:'.length)
    return { target: { kind: 'file', path: value.slice('file:'.length) }, sampleRate: rate, ...keyed };
  throw new Error(`FLAGLEDGER_DECISION_LOG: must be 'stdout' or 'file:<path>', got '${value}'`);
}
