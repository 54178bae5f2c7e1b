import type { EvaluableFlag } from '../../src/evaluation-engine/index.js';

/** An on, fully rolled-out flag with no segments: override what the test is about. */
export const evaluableFlag = (overrides: Partial<EvaluableFlag> = {}): EvaluableFlag => ({
  key: 'new_payment_processor',
  enabled: true,
  rolloutPercentage: 100,
  targetSegments: [],
  killSwitch: false,
  archived: false,
  version: 3,
  ...overrides,
});
