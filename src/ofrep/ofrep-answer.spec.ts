import { evaluateFlag, type EvaluableFlag, type EvaluationContext } from '../evaluation-engine/index.js';
import { ofrepSuccess } from './ofrep-answer.js';

const flag = (overrides: Partial<EvaluableFlag>): EvaluableFlag => ({
  key: 'f',
  enabled: true,
  rolloutPercentage: 100,
  targetSegments: [],
  killSwitch: false,
  archived: false,
  version: 4,
  ...overrides,
});

const answer = (shape: Partial<EvaluableFlag>, context: EvaluationContext) => {
  const f = flag(shape);
  return ofrepSuccess(evaluateFlag('f', f, context), f, 'production');
};

describe('ofrepSuccess', () => {
  it.each([
    ['a kill switch', { killSwitch: true }, { userId: 'u' }, false, 'DISABLED', 'KILL_SWITCH'],
    ['a disabled flag', { enabled: false }, { userId: 'u' }, false, 'DISABLED', 'DISABLED'],
    ['a full rollout', {}, {}, true, 'TARGETING_MATCH', 'ROLLOUT_FULL'],
    ['an archived flag', { archived: true }, { userId: 'u' }, false, 'DISABLED', 'ARCHIVED'],
    [
      'a segment that matches',
      { targetSegments: ['beta'] },
      { segment: 'beta' },
      true,
      'TARGETING_MATCH',
      'ROLLOUT_FULL',
    ],
    [
      'a segment that does not',
      { targetSegments: ['beta'] },
      { segment: 'free' },
      false,
      'TARGETING_MATCH',
      'SEGMENT_MISMATCH',
    ],
    ['a partial rollout without a user', { rolloutPercentage: 37 }, {}, false, 'DEFAULT', 'MISSING_USER_ID'],
  ] as const)(
    'given %s, the OFREP answer keeps its value and says why',
    (_, shape, context, value, reason, flagledgerReason) => {
      expect(answer(shape, context)).toEqual({
        key: 'f',
        value,
        reason,
        variant: value ? 'on' : 'off',
        metadata: { flagledgerReason, flagVersion: 4, environment: 'production' },
      });
    },
  );

  it('given a partial rollout and a user, the answer is a SPLIT with the bucket', () => {
    const inside = answer({ rolloutPercentage: 99 }, { userId: 'user-1' });
    expect(inside).toMatchObject({ reason: 'SPLIT', metadata: { bucket: expect.any(Number) } });
    expect(inside.value).toBe(inside.metadata.flagledgerReason === 'ROLLOUT_IN');
  });
});
