import 'reflect-metadata';
import fc from 'fast-check';
import { StrictValidationPipe } from '../http/index.js';
import { EvaluateRequest, plainEvaluateRequest } from './evaluate.request.dto.js';

const pipe = new StrictValidationPipe();

/** What the full pipe makes of a body: the fields the controller reads, or 'rejected'. */
async function viaPipe(body: unknown): Promise<unknown> {
  try {
    const request = (await pipe.transform(body, { type: 'body', metatype: EvaluateRequest })) as EvaluateRequest;
    return {
      flagKey: request.flagKey,
      asOf: request.asOf,
      userId: request.context?.userId,
      segment: request.context?.segment,
    };
  } catch {
    return 'rejected';
  }
}

const text = (max: number) =>
  fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.string({ minLength: max - 2, maxLength: max + 2 }),
    fc.string({ unit: 'grapheme', maxLength: 4 }),
  );
const value = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.string({ maxLength: 4 }),
  fc.constant([]),
  fc.constant({}),
  fc.constant(['u']),
);
const key = fc.constantFrom('flagKey', 'context', 'asOf', 'userId', 'segment', 'extra', '__proto__', 'constructor');
const often = <T>(likely: fc.Arbitrary<T>, ...rest: fc.Arbitrary<unknown>[]) =>
  fc.oneof({ arbitrary: likely as fc.Arbitrary<unknown>, weight: 4 }, ...rest);
const context = often(
  fc.record({ userId: often(text(1024), value), segment: often(text(200), value) }, { requiredKeys: [] }),
  fc.dictionary(key, value, { maxKeys: 3 }),
  value,
);
const body = often(
  fc.record({ flagKey: often(text(128), value), context }, { requiredKeys: [] }),
  fc.record(
    { flagKey: text(128), context, asOf: fc.constantFrom('2026-01-01T00:00:00Z', 'yesterday') },
    { requiredKeys: [] },
  ),
  fc.dictionary(key, fc.oneof(value, context), { maxKeys: 4 }),
  value,
);

describe('plainEvaluateRequest (the hand-written fast path of POST /v1/evaluate)', () => {
  it('recognises the bodies clients send', () => {
    for (const accepted of [
      { flagKey: 'new_payment_processor', context: { userId: 'user-42' } },
      { flagKey: 'a', context: { userId: 'user-42', segment: 'beta' } },
      { flagKey: 'a', context: { segment: 'beta', userId: null } },
      { flagKey: 'a', context: {} },
      { flagKey: 'a' },
    ]) {
      expect(plainEvaluateRequest(JSON.parse(JSON.stringify(accepted)))).toEqual(accepted);
    }
  });

  it('leaves anything else to the validation pipe: asOf, unknown or reserved keys, wrong types, strings near their limit', () => {
    for (const body of [
      undefined,
      null,
      [],
      'x',
      { flagKey: 'a', asOf: '2026-01-01T00:00:00Z' },
      { flagKey: 'a', extra: 1 },
      { flagKey: '' },
      { flagKey: 'x'.repeat(129) },
      { flagKey: 'a', context: null },
      { flagKey: 'a', context: [] },
      { flagKey: 'a', context: { userId: 42 } },
      { flagKey: 'a', context: { plan: 'pro' } },
    ]) {
      expect(plainEvaluateRequest(body)).toBeUndefined();
    }
    expect(plainEvaluateRequest(JSON.parse('{"flagKey":"a","__proto__":{"x":1}}'))).toBeUndefined();
    expect(plainEvaluateRequest(JSON.parse('{"flagKey":"a","context":{"__proto__":{"userId":"u"}}}'))).toBeUndefined();
  });

  it('accepts nothing the full pipe refuses, and reads what the pipe reads (1,000 generated bodies)', async () => {
    let recognised = 0;
    await fc.assert(
      fc.asyncProperty(body, async (generated) => {
        const parsed: unknown = JSON.parse(JSON.stringify(generated ?? null));
        const fast = plainEvaluateRequest(parsed);
        if (fast === undefined) return;
        recognised++;
        expect(await viaPipe(parsed)).toEqual({
          flagKey: fast.flagKey,
          asOf: undefined,
          userId: fast.context?.userId,
          segment: fast.context?.segment,
        });
      }),
      { numRuns: 1000 },
    );
    expect(recognised).toBeGreaterThan(50); // the generator does reach the fast path
  });
});
