import { createRequire } from 'node:module';
import { rolloutBucket } from './bucketing.js';

// unleash-client is CommonJS; its normalizedStrategyValue is the function Unleash's flexibleRollout uses.
const require = createRequire(import.meta.url);
const { normalizedStrategyValue } = require('unleash-client/lib/strategy/util') as {
  normalizedStrategyValue: (id: string, groupId: string) => number;
};

const ids: Record<string, string[]> = {
  ascii: ['alice', 'bob', 'user-1', 'A', '', 'x'.repeat(300), 'with space', 'tab\there'],
  numeric: ['0', '1', '42', '1234567890', '-17', '3.14', '18446744073709551616'],
  email: ['alice@example.com', 'o.reilly+tag@sub.example.co.uk', 'UPPER@EXAMPLE.COM'],
  uuid: [
    '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
    '00000000-0000-0000-0000-000000000000',
    'b4c0ffee-dead-4bad-8eed-123456789abc',
  ],
  nonAscii: [
    'José',
    'Zoë Ångström',
    'Łódź',
    'ユーザー',
    '用户一号',
    '사용자',
    'مستخدم',
    '😀',
    'user-👩‍💻-1',
    '\u0000nul',
    '\uffff',
  ],
};
const keys = ['new_payment_processor', 'a', 'k.e-y_9', 'recommendation_v2'];

describe('rolloutBucket', () => {
  for (const [kind, values] of Object.entries(ids)) {
    it(`equals Unleash's normalizedValue for ${kind} ids`, () => {
      for (const key of keys) {
        for (const id of values) {
          expect({ key, id, bucket: rolloutBucket(key, id) }).toEqual({
            key,
            id,
            bucket: normalizedStrategyValue(id, key),
          });
        }
      }
    });
  }

  it("equals Unleash's normalizedValue for 5,000 generated ids of mixed scripts and lengths", () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
    const alphabet = ['a', 'Z', '0', '@', '.', 'é', 'ß', '中', 'ア', '😀', 'Ω', '-'];
    for (let n = 0; n < 5000; n++) {
      let id = '';
      const length = next() % 40;
      for (let i = 0; i < length; i++) id += alphabet[next() % alphabet.length];
      expect(rolloutBucket('new_payment_processor', id)).toBe(normalizedStrategyValue(id, 'new_payment_processor'));
    }
  });

  it('stays equal whatever the previous call hashed: another key, a key that is a prefix of this one, an id that grew the buffer', () => {
    const calls: [string, string][] = [
      ['ab', 'user-1'],
      ['a', 'user-1'],
      ['ab', 'user-2'],
      ['ab', 'user-3'],
      ['new_payment_processor', 'u'],
      ['new_payment_processor', 'x'.repeat(300)],
      ['new_payment_processor', 'user-4'],
      ['a', 'b'],
      ['a', 'y'.repeat(100_000)],
      ['a', 'c'],
      ['ab', ''],
      ['ab', 'José'],
    ];
    for (const [key, id] of calls)
      expect({ key, id, bucket: rolloutBucket(key, id) }).toEqual({
        key,
        id,
        bucket: normalizedStrategyValue(id, key),
      });
  });

  it('always lies between 1 and 100', () => {
    for (let i = 0; i < 2000; i++) {
      const bucket = rolloutBucket('range', `user-${i}`);
      expect(bucket).toBeGreaterThanOrEqual(1);
      expect(bucket).toBeLessThanOrEqual(100);
    }
  });
});
