import { evaluableFlag } from '../../test/support/evaluable-flag.js';
import { DomainError } from '../shared/index.js';
import { toggleCountReasons } from './toggle-count-reasons.js';
import { MAX_TOGGLE_COUNT, MAX_TOGGLES_PER_BUCKET, parseUnleashMetrics } from './unleash-metrics.js';

const refusedField = (body: unknown): string | undefined => {
  try {
    parseUnleashMetrics(body);
  } catch (error) {
    if (error instanceof DomainError && error.code === 'VALIDATION_FAILED') return error.errors?.[0]?.field;
    throw error;
  }
  return undefined;
};

describe('parseUnleashMetrics', () => {
  it("reads an SDK's bucket: yes/no per toggle and the stop time, ignoring what it does not use", () => {
    expect(
      parseUnleashMetrics({
        appName: 'svc',
        instanceId: 'i-1',
        bucket: {
          start: '2026-12-01T10:00:00.000Z',
          stop: '2026-12-01T10:01:00.000Z',
          toggles: { checkout: { yes: 3, no: 1, variants: {} }, other: { no: 2 } },
        },
      }),
    ).toEqual({
      toggles: [
        { name: 'checkout', yes: 3, no: 1 },
        { name: 'other', yes: 0, no: 2 },
      ],
      stop: Date.parse('2026-12-01T10:01:00.000Z'),
    });
  });

  it('takes a missing bucket or toggles as none and an unreadable stop as unknown', () => {
    expect(parseUnleashMetrics({})).toEqual({ toggles: [], stop: undefined });
    expect(parseUnleashMetrics({ bucket: { stop: 'soon' } })).toEqual({ toggles: [], stop: undefined });
  });

  it('refuses non-objects where it reads objects, and counts that are not bounded integers', () => {
    expect(refusedField([])).toBe('body');
    expect(refusedField('x')).toBe('body');
    expect(refusedField(null)).toBe('body');
    expect(refusedField({ bucket: [] })).toBe('bucket');
    expect(refusedField({ bucket: { toggles: 3 } })).toBe('bucket.toggles');
    expect(refusedField({ bucket: { toggles: { a: 1 } } })).toBe('bucket.toggles.a');
    expect(refusedField({ bucket: { toggles: { a: { yes: -1 } } } })).toBe('bucket.toggles.a.yes');
    expect(refusedField({ bucket: { toggles: { a: { no: 1.5 } } } })).toBe('bucket.toggles.a.no');
    expect(refusedField({ bucket: { toggles: { a: { no: '2' } } } })).toBe('bucket.toggles.a.no');
    expect(refusedField({ bucket: { toggles: { a: { yes: MAX_TOGGLE_COUNT + 1 } } } })).toBe('bucket.toggles.a.yes');
    expect(refusedField({ bucket: { toggles: { a: { yes: MAX_TOGGLE_COUNT } } } })).toBeUndefined();
  });

  it('refuses a bucket of more toggles than a report may hold lines', () => {
    const toggles = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`t${i}`, { yes: 1 }]));
    expect(refusedField({ bucket: { toggles: toggles(MAX_TOGGLES_PER_BUCKET) } })).toBeUndefined();
    expect(refusedField({ bucket: { toggles: toggles(MAX_TOGGLES_PER_BUCKET + 1) } })).toBe('bucket.toggles');
  });
});

describe('toggleCountReasons', () => {
  const flag = evaluableFlag();
  it("picks the engine's reason for each answer of the flag as it is", () => {
    expect(toggleCountReasons(undefined)).toEqual({ yes: 'FLAG_NOT_FOUND', no: 'FLAG_NOT_FOUND' });
    expect(toggleCountReasons({ ...flag, archived: true }).no).toBe('ARCHIVED');
    expect(toggleCountReasons({ ...flag, killSwitch: true }).no).toBe('KILL_SWITCH');
    expect(toggleCountReasons({ ...flag, enabled: false }).no).toBe('DISABLED');
    expect(toggleCountReasons({ ...flag, targetSegments: ['beta'] })).toEqual({
      yes: 'ROLLOUT_FULL',
      no: 'SEGMENT_MISMATCH',
    });
    expect(toggleCountReasons({ ...flag, rolloutPercentage: 37 })).toEqual({ yes: 'ROLLOUT_IN', no: 'ROLLOUT_OUT' });
    expect(toggleCountReasons({ ...flag, rolloutPercentage: 0 }).no).toBe('ROLLOUT_OUT');
  });
});
