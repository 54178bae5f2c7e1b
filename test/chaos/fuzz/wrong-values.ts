import fc from 'fast-check';
import { deeplyNested, JsonObject, type Json } from './json-text.js';

/*
 * Values that break a docs/contract.md §1/§4 rule by construction (never "random and hopefully wrong"), one
 * arbitrary per kind of field. Each is wrong wherever that kind of field appears.
 */

/** Any text, unicode and control characters included. */
const oddUnit = fc.constantFrom(
  '\ud800',
  '\udfff',
  '\u0000',
  '\u001b',
  '\ufeff',
  '\u202e',
  '\uffff',
  'é',
  'a',
  '"',
  '\\',
  '/',
  '%',
);
export const anyText = (maxLength: number) =>
  fc.oneof(
    fc.string({ unit: 'grapheme', maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ unit: oddUnit, maxLength }),
  );
export const asciiText = (maxLength: number) => fc.string({ unit: 'grapheme-ascii', maxLength });

const scalar: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  anyText(20),
);

/** Small objects with arbitrary (possibly reserved) keys. */
export const junkObject: fc.Arbitrary<JsonObject> = fc
  .array(fc.tuple(fc.oneof(anyText(12), fc.constantFrom('__proto__', 'constructor', 'prototype')), scalar), {
    maxLength: 4,
  })
  .map((members) => new JsonObject(members));

export const junkValue: fc.Arbitrary<Json> = fc.oneof(scalar, fc.array(scalar, { maxLength: 4 }), junkObject);

/** Nested deeper than the 8 levels the server allows; sometimes far deeper than a recursive walk survives. */
export const tooDeep = fc
  .oneof(
    { arbitrary: fc.integer({ min: 10, max: 64 }), weight: 6 },
    { arbitrary: fc.integer({ min: 1_000, max: 20_000 }), weight: 3 },
    { arbitrary: fc.constant(100_000), weight: 1 },
  )
  .map(deeplyNested);

/** Every character here counts as one (no surrogate pairs or variation selectors, which length rules treat specially). */
const FILLERS = ['x', 'é', '中', '"', '\\', '\u0000', '\n', '<', '%', '\u202e'];

/** Longer than `max` characters; sometimes hundreds of thousands (still under the 1 MB body limit). */
export const tooLong = (max: number) =>
  fc
    .record({
      prefix: asciiText(8),
      filler: fc.constantFrom(...FILLERS),
      extra: fc.oneof(
        { arbitrary: fc.integer({ min: 1, max: 40 }), weight: 6 },
        { arbitrary: fc.integer({ min: 1_000, max: 20_000 }), weight: 3 },
        { arbitrary: fc.integer({ min: 100_000, max: 150_000 }), weight: 1 },
      ),
    })
    .map(({ prefix, filler, extra }) => prefix + filler.repeat(Math.max(1, max + extra - prefix.length)));

export const notAString: fc.Arbitrary<Json> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.array(scalar, { maxLength: 3 }),
  junkObject,
);

export const notABoolean: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom('true', 'false', 'yes', '', 1, 0),
  fc.integer(),
  anyText(10),
  fc.array(fc.boolean(), { maxLength: 2 }),
  junkObject,
);

/** Optional text (`null` and absent are fine): wrong type or too long. */
export const wrongOptionalText = (max: number) => fc.oneof(notAString, tooLong(max));

/** Required non-empty text: additionally null and the empty string. */
export const wrongRequiredText = (max: number) => fc.oneof(fc.constantFrom<Json>(null, ''), notAString, tooLong(max));

/** An owner must also contain a non-blank character. */
export const wrongOwner = fc.oneof(wrongRequiredText(200), fc.constantFrom(' ', '   ', '\t\n', '\r\n \t'));

const KEY_TAIL = fc.string({ unit: fc.constantFrom(...'abcxyz019._-'), minLength: 1, maxLength: 20 });
/** Breaks `^[a-z0-9][a-z0-9._-]{0,127}$`. */
export const wrongFlagKey: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom(
    '',
    '..',
    '../..',
    '__proto__',
    'Stale',
    'A',
    ' a',
    'a ',
    'a/b',
    'a%2Fb',
    'a\u0000',
    'ä',
    'flag?x=1',
    'flag#x',
  ),
  fc.tuple(fc.constantFrom('-', '.', '_', 'A', 'Ä', ' ', '/', '%'), KEY_TAIL).map(([bad, tail]) => bad + tail),
  fc
    .tuple(
      KEY_TAIL,
      fc.constantFrom('A', 'Z', ' ', '/', '\\', ':', '%', '?', '#', '\u0000', '\n', 'é', '中', '\u{1f600}'),
      KEY_TAIL,
    )
    .map(([a, bad, b]) => `a${a}${bad}${b}`),
  fc.integer({ min: 129, max: 5_000 }).map((n) => 'k'.repeat(n)),
  notAString,
  fc.constant(null),
);

export const FLAG_TYPES = ['release', 'operational', 'experiment', 'permission'] as const;
export const ENVIRONMENT_TYPES = ['development', 'test', 'staging', 'production'] as const;
export const notOneOf = (allowed: readonly string[]) =>
  fc.oneof(anyText(30), asciiText(30)).filter((s) => !allowed.includes(s));
/** The value in the other case: upper-casing an enum that is upper case already (evaluation reasons) would leave it valid. */
const otherCase = (value: string) => (value === value.toUpperCase() ? value.toLowerCase() : value.toUpperCase());
export const wrongEnum = (allowed: readonly string[]): fc.Arbitrary<Json> =>
  fc.oneof(
    notOneOf(allowed),
    fc.constantFrom(...allowed).map(otherCase),
    fc.constantFrom(...allowed).map((a) => ` ${a}`),
    notAString,
    fc.constant(null),
  );

/** The fuzzed server has only its default environment, 'production': near misses of it and other names. */
export const wrongEnvironmentKey = (allowed: readonly string[]) =>
  fc.oneof(
    fc
      .constantFrom(
        '',
        ' ',
        'Production',
        ' production',
        'production ',
        '*',
        '**',
        'prod:uction',
        'staging',
        'a'.repeat(33),
      )
      .filter((key) => !allowed.includes(key)),
    notOneOf(allowed),
  );

/** Strings that are not RFC 3339 date-times: near misses, impossible dates, other date formats, noise. */
export const wrongDateText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '2027-13-01T00:00:00Z',
    '2027-00-10T00:00:00Z',
    '2027-02-30T00:00:00Z',
    '2027-04-31',
    '2027-03-01T25:00:00Z',
    '2027-03-01T00:60:00Z',
    '2027-03-01T00:00:00',
    '2027-03-01 00:00:00Z',
    '2027-3-1',
    '27-03-01',
    '+002027-03-01T00:00:00Z',
    '2027-03-01T00:00:00.000+0100',
    '2027-03-01T00:00:00Z\n',
    ' 2027-03-01T00:00:00Z',
    'Mon, 01 Mar 2027 00:00:00 GMT',
    '1798761600000',
    'now',
    'null',
    '',
  ),
  anyText(40).filter((s) => !/^\d{4}-\d{2}-\d{2}/.test(s)),
);
export const wrongDate: fc.Arbitrary<Json> = fc.oneof(wrongDateText, fc.integer(), fc.boolean(), junkObject);

/** A well-formed date-time that is not in the future of the test clock (2026-11-25T12:00Z). */
export const pastDate = fc
  .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2026-11-25T11:59:59Z'), noInvalidDate: true })
  .map((d) => d.toISOString());

/** Not an integer from 0 to 100. */
export const wrongPercentage: fc.Arbitrary<Json> = fc.oneof(
  fc.integer({ min: 101 }),
  fc.integer({ max: -1 }),
  fc.integer({ min: -1000, max: 1000 }).map((n) => n + 0.5),
  fc.constantFrom<Json>(1e21, -1e21, 100.0001, '50', '', true),
  notAString.filter((v) => typeof v !== 'number'),
);

/** A count must be an integer from 1 to 1e9. */
export const wrongCount: fc.Arbitrary<Json> = fc.oneof(
  fc.integer({ max: 0 }),
  fc.integer({ min: 1_000_000_001 }),
  fc.integer({ min: 1, max: 1000 }).map((n) => n + 0.25),
  fc.constantFrom<Json>('1', null, false),
);

const segment = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 });
/** Breaks "distinct non-empty strings of at most 200 characters, at most 100 of them" (null is left to callers). */
export const wrongSegments: fc.Arbitrary<Json> = fc.oneof(
  anyText(20),
  fc.integer(),
  junkObject,
  // At least one segment to repeat: an empty list plus a fallback would be a valid one-segment list, and so
  // would what shrinking makes of any list below that minimum.
  fc
    .uniqueArray(segment, { minLength: 1, maxLength: 5 })
    .chain((list) => fc.constantFrom(...list).map((dup) => [...list, dup])),
  fc.uniqueArray(segment, { maxLength: 5 }).map((list) => [...list, '']),
  fc.tuple(fc.uniqueArray(segment, { maxLength: 5 }), notAString).map(([list, bad]) => [...list, bad]),
  fc.integer({ min: 101, max: 400 }).map((n) => Array.from({ length: n }, (_, i) => `segment-${i}`)),
  tooLong(200).map((s) => [s]),
);
