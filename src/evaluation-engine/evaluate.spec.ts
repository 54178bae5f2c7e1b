import { evaluableFlag } from '../../test/support/evaluable-flag.js';
import { rolloutBucket } from './bucketing.js';
import { evaluateFlag } from './evaluate.js';

const flag = evaluableFlag;

describe('evaluateFlag', () => {
  it('answers FLAG_NOT_FOUND with no version for an unknown key', () => {
    expect(evaluateFlag('nope', undefined, { userId: 'u' })).toEqual({
      flagKey: 'nope',
      enabled: false,
      reason: 'FLAG_NOT_FOUND',
      flagVersion: null,
    });
  });

  it('answers ARCHIVED for an archived flag even when it is on', () => {
    expect(evaluateFlag('new_payment_processor', flag({ archived: true }), { userId: 'u' })).toMatchObject({
      enabled: false,
      reason: 'ARCHIVED',
      flagVersion: 3,
    });
  });

  it('lets the kill switch override an enabled, fully rolled-out flag', () => {
    expect(evaluateFlag('new_payment_processor', flag({ killSwitch: true }), { userId: 'u' })).toMatchObject({
      enabled: false,
      reason: 'KILL_SWITCH',
    });
  });

  it('answers DISABLED when the flag is off', () => {
    expect(evaluateFlag('new_payment_processor', flag({ enabled: false }), { userId: 'u' })).toMatchObject({
      enabled: false,
      reason: 'DISABLED',
    });
  });

  it('answers SEGMENT_MISMATCH when the segment is absent or not targeted, and passes a targeted one', () => {
    const targeted = flag({ targetSegments: ['enterprise'] });
    expect(evaluateFlag(targeted.key, targeted, { userId: 'u' }).reason).toBe('SEGMENT_MISMATCH');
    expect(evaluateFlag(targeted.key, targeted, { userId: 'u', segment: 'free' }).reason).toBe('SEGMENT_MISMATCH');
    expect(evaluateFlag(targeted.key, targeted, { userId: 'u', segment: 'enterprise' })).toMatchObject({
      enabled: true,
      reason: 'ROLLOUT_FULL',
    });
  });

  it('answers ROLLOUT_FULL at 100 % without a user and ROLLOUT_OUT at 0 %', () => {
    expect(evaluateFlag('new_payment_processor', flag(), {})).toMatchObject({ enabled: true, reason: 'ROLLOUT_FULL' });
    expect(evaluateFlag('new_payment_processor', flag({ rolloutPercentage: 0 }), { userId: 'u' })).toMatchObject({
      enabled: false,
      reason: 'ROLLOUT_OUT',
    });
  });

  it('answers MISSING_USER_ID for a partial rollout without a user, an empty one included', () => {
    for (const context of [{}, { userId: '' }, { userId: null }]) {
      expect(evaluateFlag('new_payment_processor', flag({ rolloutPercentage: 50 }), context)).toMatchObject({
        enabled: false,
        reason: 'MISSING_USER_ID',
      });
    }
  });

  it('puts a user in when its bucket is at or below the percentage, and carries the bucket', () => {
    const bucket = rolloutBucket('new_payment_processor', 'alice');
    expect(evaluateFlag('new_payment_processor', flag({ rolloutPercentage: bucket }), { userId: 'alice' })).toEqual({
      flagKey: 'new_payment_processor',
      enabled: true,
      reason: 'ROLLOUT_IN',
      bucket,
      flagVersion: 3,
    });
    if (bucket > 1) {
      expect(
        evaluateFlag('new_payment_processor', flag({ rolloutPercentage: bucket - 1 }), { userId: 'alice' }),
      ).toEqual({
        flagKey: 'new_payment_processor',
        enabled: false,
        reason: 'ROLLOUT_OUT',
        bucket,
        flagVersion: 3,
      });
    }
  });

  it('is deterministic: the same input gives the same answer', () => {
    const partial = flag({ rolloutPercentage: 37 });
    for (let i = 0; i < 100; i++) {
      expect(evaluateFlag(partial.key, partial, { userId: `user-${i}` })).toEqual(
        evaluateFlag(partial.key, partial, { userId: `user-${i}` }),
      );
    }
  });

  it.each([10, 50, 90])('splits 10,000 users at %i %% within ±2 points', (percentage) => {
    const partial = flag({ rolloutPercentage: percentage });
    let on = 0;
    for (let i = 0; i < 10_000; i++) if (evaluateFlag(partial.key, partial, { userId: `user-${i}` }).enabled) on++;
    expect(Math.abs(on / 100 - percentage)).toBeLessThanOrEqual(2);
  });
});
