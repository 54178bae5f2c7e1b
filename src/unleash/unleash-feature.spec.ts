import { createRequire } from 'node:module';
import { evaluableFlag } from '../../test/support/evaluable-flag.js';
import { evaluateFlag, type EvaluableFlag, type EvaluationContext } from '../evaluation-engine/index.js';
import { unleashClientFeatures, unleashFeature, type UnleashFeature } from './unleash-feature.js';

// unleash-client is CommonJS: its own evaluator and strategies, fed the mapped features directly.
const require = createRequire(import.meta.url);
type UnleashContext = { userId?: string; properties?: Record<string, string> };
const UnleashClient = require('unleash-client/lib/client').default as new (
  repository: { getToggle(name: string): UnleashFeature | undefined; getSegment(): undefined },
  strategies: unknown[],
) => { isEnabled(name: string, context: UnleashContext, fallback: () => boolean): boolean };
const { defaultStrategies } = require('unleash-client/lib/strategy') as { defaultStrategies: unknown[] };

const flag = evaluableFlag;

const SHAPES: Record<string, EvaluableFlag> = {
  disabled: flag({ key: 'disabled', enabled: false }),
  killed: flag({ key: 'killed', killSwitch: true }),
  killedPartial: flag({ key: 'killed-partial', killSwitch: true, rolloutPercentage: 37 }),
  zero: flag({ key: 'zero', rolloutPercentage: 0 }),
  one: flag({ key: 'one', rolloutPercentage: 1 }),
  partial: flag({ key: 'partial', rolloutPercentage: 37 }),
  most: flag({ key: 'most', rolloutPercentage: 99 }),
  full: flag({ key: 'full' }),
  segments: flag({ key: 'segments', targetSegments: ['beta', 'enterprise'] }),
  segmentsPartial: flag({ key: 'segments-partial', rolloutPercentage: 37, targetSegments: ['beta'] }),
  segmentsZero: flag({ key: 'segments-zero', rolloutPercentage: 0, targetSegments: ['beta'] }),
  segmentsOff: flag({ key: 'segments-off', enabled: false, targetSegments: ['beta'] }),
};

describe('unleashFeature', () => {
  it('says off with enabled: false only, whatever else the flag holds', () => {
    for (const shape of [SHAPES.disabled, SHAPES.killed, SHAPES.killedPartial, SHAPES.zero, SHAPES.segmentsOff])
      expect(unleashFeature(shape)).toEqual({ name: shape.key, enabled: false, strategies: [] });
  });

  it('sends strategy default at 100 %, never a flexibleRollout that would refuse a missing userId', () => {
    expect(unleashFeature(SHAPES.full)).toEqual({
      name: 'full',
      enabled: true,
      strategies: [{ name: 'default', parameters: {}, constraints: [] }],
    });
  });

  it('sends flexibleRollout with userId stickiness and the key as groupId from 1 to 99 %', () => {
    for (const shape of [SHAPES.one, SHAPES.partial, SHAPES.most])
      expect(unleashFeature(shape).strategies).toEqual([
        {
          name: 'flexibleRollout',
          parameters: { rollout: String(shape.rolloutPercentage), stickiness: 'userId', groupId: shape.key },
          constraints: [],
        },
      ]);
  });

  it('puts target segments on the strategy as one exact segment IN constraint', () => {
    const constraint = {
      contextName: 'segment',
      operator: 'IN',
      values: ['beta', 'enterprise'],
      inverted: false,
      caseInsensitive: false,
    };
    expect(unleashFeature(SHAPES.segments).strategies).toEqual([
      { name: 'default', parameters: {}, constraints: [constraint] },
    ]);
    expect(unleashFeature(SHAPES.segmentsPartial).strategies[0]).toMatchObject({
      name: 'flexibleRollout',
      constraints: [{ ...constraint, values: ['beta'] }],
    });
  });
});

describe('unleashClientFeatures', () => {
  it('is format version 2, leaves archived flags out and keeps the order it is given', () => {
    const body = unleashClientFeatures([flag({ key: 'a' }), flag({ key: 'b', archived: true }), flag({ key: 'c' })]);
    expect(body.version).toBe(2);
    expect(body.features.map((f) => f.name)).toEqual(['a', 'c']);
  });

  it("makes unleash-client's own evaluator give the engine's answer for every shape and context", () => {
    const shapes = [...Object.values(SHAPES), flag({ key: 'archived', archived: true })];
    const features = new Map(unleashClientFeatures(shapes).features.map((f) => [f.name, f]));
    const client = new UnleashClient({ getToggle: (name) => features.get(name), getSegment: () => undefined }, [
      ...defaultStrategies,
    ]);
    const userIds: (string | undefined)[] = [undefined, '', 'José', 'ユーザー', '😀'];
    for (let i = 0; i < 2000; i++) userIds.push(`user-${i}`);
    const segments = [undefined, '', 'beta', 'enterprise', 'Beta', 'free'];
    let compared = 0;
    for (const shape of [...shapes, flag({ key: 'unknown-key' })])
      for (const userId of userIds)
        for (const segment of segments) {
          const context: EvaluationContext = { userId, segment };
          const known = shape.key === 'unknown-key' ? undefined : shape;
          const expected = evaluateFlag(shape.key, known, context).enabled;
          const unleashContext: UnleashContext = { userId, properties: segment === undefined ? {} : { segment } };
          const actual = client.isEnabled(shape.key, unleashContext, () => false);
          if (actual !== expected) throw new Error(`${shape.key} ${JSON.stringify(context)}: ${actual} ≠ ${expected}`);
          compared++;
        }
    expect(compared).toBe(14 * 2005 * 6);
  });
});
