import fc from 'fast-check';
import type { Labelled, Part } from './parts.js';
import { percentEncode } from './raw-http.js';
import type { FuzzRoute } from './routes.js';
import { anyText, asciiText, FLAG_TYPES, notOneOf, wrongDateText, wrongEnvironmentKey } from './wrong-values.js';

/** One query parameter: `raw` values go on the wire as they are (e.g. broken percent-escapes). */
export interface QueryPair {
  name: string;
  value: string;
  raw?: boolean;
}

interface ParamRules {
  valid: fc.Arbitrary<string>;
  /** Values that break the parameter's rule; none when any text is fine. */
  wrong?: fc.Arbitrary<string>;
  /** May appear more than once (a list); otherwise a repeat is an error. */
  repeatable?: boolean;
  /** Enum, date and integer parameters: broken percent-escapes decode to something they cannot accept. */
  strict?: boolean;
}

/** What a route's query DTO accepts and, by construction, what it must refuse. */
export interface QuerySchema {
  valid: fc.Arbitrary<QueryPair[]>;
  invalid: fc.Arbitrary<Labelled<QueryPair[]>>;
}

const BROKEN_ESCAPES = ['%', '%z', '%zz', '%E0%A4%A', '%FF%FE', '%C0%AE', '%ED%A0%80'];
const RESERVED = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];

const validDate = fc.constantFrom(
  '2026-11-25T11:00:00Z',
  '2020-01-01',
  '2026-11-25T12:00:00.000+01:00',
  '2027-03-01T00:00:00.123456789-05:30',
);
/** Digits only, within [min, max], else refused: signs, decimals, exponents, hex, blanks, more than 16 digits. */
const wrongIntText = (min: number, max?: number) =>
  fc.oneof(
    fc.constantFrom(
      '',
      ' ',
      '-1',
      '+1',
      '1.5',
      '1e3',
      '0x10',
      'abc',
      '١',
      '1 ',
      ' 1',
      '99999999999999999',
      '9007199254740993',
    ),
    fc.integer({ max: min - 1 }).map(String),
    ...(max === undefined ? [] : [fc.integer({ min: max + 1 }).map(String)]),
  );

const param = (rules: ParamRules) => rules;
/** Over `max` characters, yet short enough for the URL to stay under Node's 16 KB request-head limit. */
const tooLongForUrl = (max: number) =>
  fc.oneof(
    fc.integer({ min: max + 1, max: max + 2_000 }).map((n) => 'f'.repeat(n)),
    fc.integer({ min: max + 1, max: max + 300 }).map((n) => 'é'.repeat(n)),
  );
const nonEmpty = (maxLength: number) => anyText(maxLength).filter((s) => s.length > 0);
const emptyOrTooLong = (max: number) => fc.oneof(fc.constant(''), tooLongForUrl(max));
const flagTypes = [...FLAG_TYPES];
const CHANGE_REQUEST_STATES = [
  'in_review',
  'approved',
  'rejected',
  'cancelled',
  'applied',
  'failed',
  'needs_review',
  'acknowledged',
];
const EVENT_TYPES = [
  'FlagCreated',
  'FlagEnabled',
  'FlagDisabled',
  'FlagRolloutChanged',
  'FlagSegmentsChanged',
  'FlagKillSwitchEngaged',
  'FlagKillSwitchReleased',
  'FlagDetailsChanged',
  'FlagArchived',
  'FlagRestored',
];

/** The fuzzed server has only its default environment; a well-formed unknown key is a 404, a malformed one a 400. */
const ENVIRONMENTS = ['production', '*'];
const wrongEnvironment = wrongEnvironmentKey(ENVIRONMENTS);

const auditFilters = {
  flag: param({ valid: anyText(64), wrong: tooLongForUrl(128) }),
  actor: param({ valid: anyText(32), wrong: tooLongForUrl(64) }),
  type: param({ valid: fc.constantFrom(...EVENT_TYPES), wrong: notOneOf(EVENT_TYPES), repeatable: true, strict: true }),
  from: param({ valid: validDate, wrong: wrongDateText, strict: true }),
  to: param({ valid: validDate, wrong: wrongDateText, strict: true }),
  environment: param({
    valid: fc.constantFrom(...ENVIRONMENTS),
    wrong: wrongEnvironment,
    repeatable: true,
    strict: true,
  }),
  // docs/contract.md §10: only the flag events one change request's apply wrote; an id it could never be is refused.
  changeRequest: param({
    valid: fc.stringMatching(/^cr_[A-Za-z0-9_-]{1,64}$/),
    wrong: fc.oneof(
      fc.constantFrom('', 'cr_', 'CR_abc', 'cr-abc', 'cr_a b', 'cr_a/b', 'cr_é', `cr_${'a'.repeat(65)}`),
      anyText(20).filter((s) => !/^cr_[A-Za-z0-9_-]{1,64}$/.test(s)),
    ),
    strict: true,
  }),
};

const SCHEMAS = {
  listFlags: {
    type: param({ valid: fc.constantFrom(...flagTypes), wrong: notOneOf(flagTypes), strict: true }),
    includeArchived: param({
      valid: fc.constantFrom('true', 'false'),
      wrong: notOneOf(['true', 'false']),
      strict: true,
    }),
    asOf: param({ valid: validDate, wrong: wrongDateText, strict: true }),
  },
  getFlag: {
    asOf: param({ valid: validDate, wrong: wrongDateText, strict: true }),
    version: param({ valid: fc.integer({ min: 1, max: 50 }).map(String), wrong: wrongIntText(1), strict: true }),
  },
  audit: {
    ...auditFilters,
    after: param({ valid: fc.integer({ min: 0, max: 1e6 }).map(String), wrong: wrongIntText(0), strict: true }),
    limit: param({ valid: fc.integer({ min: 1, max: 1000 }).map(String), wrong: wrongIntText(1, 1000), strict: true }),
  },
  export: {
    ...auditFilters,
    format: param({ valid: fc.constantFrom('ndjson', 'csv'), wrong: notOneOf(['ndjson', 'csv']), strict: true }),
  },
  stream: { lastEventId: param({ valid: anyText(20) }) },
  // GET /v1/clients and GET /v1/flags/:key/convergence: one environment, never `*`.
  clients: {
    environment: param({ valid: fc.constant('production'), wrong: wrongEnvironmentKey(['production']), strict: true }),
  },
  listChangeRequests: {
    state: param({
      valid: fc.constantFrom(...CHANGE_REQUEST_STATES),
      wrong: notOneOf(CHANGE_REQUEST_STATES),
      strict: true,
    }),
    // Any environment or flag filters the list (one that is not there to nothing); only blank and too long are wrong.
    environment: param({ valid: fc.oneof(fc.constant('production'), nonEmpty(32)), wrong: emptyOrTooLong(64) }),
    flag: param({ valid: nonEmpty(64), wrong: emptyOrTooLong(128) }),
  },
} satisfies Record<string, Record<string, ParamRules>>;

/** Parameters that may not be combined (GET /v1/flags/:key: one point in time). */
const EXCLUSIVE: Partial<Record<keyof typeof SCHEMAS, readonly [string, string]>> = { getFlag: ['asOf', 'version'] };

export type QueryKind = keyof typeof SCHEMAS;

export function querySchema(kind: QueryKind): QuerySchema {
  const params: Record<string, ParamRules> = SCHEMAS[kind];
  const names = Object.keys(params);
  const exclusive = EXCLUSIVE[kind];
  const valid: fc.Arbitrary<QueryPair[]> = fc
    .shuffledSubarray(names)
    .filter((chosen) => exclusive === undefined || !exclusive.every((n) => chosen.includes(n)))
    .chain((chosen): fc.Arbitrary<QueryPair[]> =>
      chosen.length === 0
        ? fc.constant([])
        : fc.tuple(...chosen.map((name) => params[name]!.valid.map((value): QueryPair => ({ name, value })))),
    );
  const without = (pairs: QueryPair[], name: string) => pairs.filter((p) => p.name !== name);
  const withWrong = names.filter((n) => params[n]!.wrong !== undefined);
  const strict = names.filter((n) => params[n]!.strict);
  const single = names.filter((n) => !params[n]!.repeatable);

  const variants: fc.Arbitrary<Labelled<QueryPair[]>>[] = [
    fc
      .tuple(
        valid,
        fc.oneof(
          fc.constantFrom(...RESERVED),
          asciiText(12),
          anyText(12),
          fc.constantFrom(...names).map((n) => `${n}[]`),
          fc.constantFrom(...names).map((n) => n.toUpperCase()),
        ),
        anyText(12),
      )
      .filter(([, name]) => !names.includes(name))
      .map(([pairs, name, value]) => ({
        label: `unknown parameter ${JSON.stringify(name)}`,
        value: [...pairs, { name, value }],
      })),
    fc.tuple(valid, fc.constantFrom(...single)).chain(([pairs, name]) =>
      fc.tuple(params[name]!.valid, params[name]!.valid).map(([a, b]) => ({
        label: `${name} repeated`,
        value: [...without(pairs, name), { name, value: a }, { name, value: b }],
      })),
    ),
  ];
  if (withWrong.length > 0) {
    variants.push(
      fc.tuple(valid, fc.constantFrom(...withWrong)).chain(([pairs, name]) =>
        params[name]!.wrong!.map((value) => ({
          label: `${name}: breaks its rule`,
          value: [...without(pairs, name), { name, value }],
        })),
      ),
    );
  }
  if (strict.length > 0) {
    variants.push(
      fc.tuple(valid, fc.constantFrom(...strict), fc.constantFrom(...BROKEN_ESCAPES)).map(([pairs, name, value]) => ({
        label: `${name}: broken percent-escape`,
        value: [...without(pairs, name), { name, value, raw: true }],
      })),
    );
  }
  if (exclusive !== undefined) {
    const [a, b] = exclusive;
    variants.push(
      fc.tuple(params[a]!.valid, params[b]!.valid).map(([va, vb]) => ({
        label: `${a} with ${b}`,
        value: [
          { name: a, value: va },
          { name: b, value: vb },
        ],
      })),
    );
  }
  return { valid, invalid: fc.oneof(...variants) };
}

/** Query parameters a route without a query DTO ignores. */
export const ignoredQuery: fc.Arbitrary<QueryPair[]> = fc.array(
  fc.record({ name: fc.oneof(fc.constantFrom(...RESERVED), anyText(10)), value: anyText(20) }),
  { maxLength: 3 },
);

/** The query part of a route's requests. */
export function queryPart(route: FuzzRoute): Part<QueryPair[]> {
  return route.query === undefined ? { valid: ignoredQuery } : querySchema(route.query);
}

export function queryString(pairs: readonly QueryPair[]): string {
  if (pairs.length === 0) return '';
  return `?${pairs.map((p) => `${percentEncode(p.name)}=${p.raw ? p.value : percentEncode(p.value)}`).join('&')}`;
}
