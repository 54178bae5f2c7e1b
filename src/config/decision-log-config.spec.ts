import { parseDecisionLogConfig } from './decision-log-config.js';

describe('parseDecisionLogConfig', () => {
  it('reads FLAGLEDGER_DECISION_LOG and its sample rate, off by default', () => {
    expect(parseDecisionLogConfig(undefined, undefined)).toBeNull();
    expect(parseDecisionLogConfig('stdout', '0.25')).toEqual({ target: { kind: 'stdout' }, sampleRate: 0.25 });
    expect(parseDecisionLogConfig('file:/var/log/decisions.ndjson', undefined)).toEqual({
      target: { kind: 'file', path: '/var/log/decisions.ndjson' },
      sampleRate: 1,
    });
    expect(() => parseDecisionLogConfig('syslog', undefined)).toThrow(/^FLAGLEDGER_DECISION_LOG:/);
    expect(() => parseDecisionLogConfig('stdout', '0')).toThrow(/^FLAGLEDGER_DECISION_LOG_SAMPLE:/);
  });

  it('reads the user hash key, unset or blank meaning "derive it from the signing key"', () => {
    expect(parseDecisionLogConfig('stdout', undefined, ' sixteen-chars-ok ')).toEqual({
      target: { kind: 'stdout' },
      sampleRate: 1,
      hashKey: 'sixteen-chars-ok',
    });
    expect(parseDecisionLogConfig('stdout', undefined, '  ')).toEqual({ target: { kind: 'stdout' }, sampleRate: 1 });
    expect(() => parseDecisionLogConfig('stdout', undefined, 'fifteen-chars!!')).toThrow(
      /^FLAGLEDGER_DECISION_LOG_HASH_KEY: must be at least 16 characters/,
    );
  });
});
