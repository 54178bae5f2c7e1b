import fc from 'fast-check';
import { TOKENS, type RoleName } from '../../support/tokens.js';
import type { Header, Labelled, Part } from './parts.js';
import type { FuzzRoute } from './routes.js';

const ROLES: readonly RoleName[] = ['evaluator', 'viewer', 'editor', 'admin'];
export const SECRETS = Object.values(TOKENS).map((t) => t.secret);

/** Header values Node will send: tab, visible ASCII, space and Latin-1 bytes. */
export const headerText = (maxLength: number) =>
  fc.string({
    unit: fc
      .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }), fc.constant(9))
      .map((c) => String.fromCharCode(c)),
    maxLength,
  });
const visibleAscii = (minLength: number, maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength, maxLength });

const authorization = (value: string): Header => ['Authorization', value];
/** Header names are case-insensitive: the name as OFREP providers spell it, and as others might. */
const API_KEY_NAMES = ['X-API-Key', 'x-api-key', 'X-Api-Key'];
const apiKey = (value: string) => fc.constantFrom(...API_KEY_NAMES).map((name): Header => [name, value]);

/**
 * The credentials of a request: Authorization headers (none, one, or two) and, where the route reads it
 * (OFREP), X-API-Key headers, which count only when Authorization is absent.
 */
export function authPart(route: FuzzRoute): Part<Header[]> {
  // A route taking the bare token (Unleash's client API) takes it with no scheme as well.
  const schemes = ['Bearer ', 'bearer ', 'BEARER\t', 'Bearer   ', ...(route.rawToken === true ? [''] : [])];
  const bearer = (role: RoleName) => fc.constantFrom(...schemes).map((scheme) => `${scheme}${TOKENS[role].secret}`);
  const allowed = route.min === 'public' ? ROLES : ROLES.slice(ROLES.indexOf(route.min));
  const junk = headerText(120).filter((value) => !SECRETS.some((secret) => value.includes(secret)));
  const anyBearer = fc.constantFrom(...allowed).chain(bearer);
  const anySecret = fc.constantFrom(...allowed).map((role) => TOKENS[role].secret);
  if (route.min === 'public') {
    // Public routes ignore the headers, so nothing about them is wrong.
    return {
      valid: fc.oneof(
        fc.constant<Header[]>([]),
        anyBearer.map((v) => [authorization(v)]),
        junk.map((v) => [authorization(v)]),
        junk.chain((v) => apiKey(v)).map((h) => [h]),
      ),
    };
  }
  const weaker = ROLES.slice(0, ROLES.indexOf(route.min));
  const nearMisses = fc
    .constantFrom(...SECRETS)
    .chain((s) =>
      fc.constantFrom(
        `Bearer ${s}x`,
        `Bearer ${s.toUpperCase()}`,
        `Bearer ${s.slice(0, -1)}`,
        ...(route.rawToken === true ? [`${s}x`] : [s]),
        `Basic ${s}`,
        `Token ${s}`,
        `Bearer ${s} ${s}`,
        `Bearer"${s}"`,
        `Bearer:${s}`,
      ),
    );
  const wrongAuthorization = fc.oneof(
    junk,
    fc.constantFrom('', 'Bearer', 'Bearer ', 'Bearer null', 'Basic YWxpY2U6c2VjcmV0', 'Digest username="x"'),
    nearMisses,
  );
  const invalid: fc.Arbitrary<Labelled<Header[]>>[] = [
    fc.constant({ label: route.apiKey === true ? 'no Authorization or X-API-Key' : 'no Authorization', value: [] }),
    wrongAuthorization.map((v) => ({ label: 'unknown or malformed token', value: [authorization(v)] })),
    fc.tuple(junk, anyBearer).map(([first, good]) => ({
      label: 'two Authorization headers, the first one wrong',
      value: [authorization(first), authorization(good)],
    })),
  ];
  if (weaker.length > 0)
    invalid.push(
      fc
        .constantFrom(...weaker)
        .chain((role) => bearer(role).map((v) => ({ label: `role ${role} is too weak`, value: [authorization(v)] }))),
    );
  if (route.apiKey !== true) {
    // Only OFREP reads X-API-Key: elsewhere a token there is no credential at all.
    invalid.push(
      anySecret
        .chain(apiKey)
        .map((h) => ({ label: 'the token in X-API-Key, which this route does not read', value: [h] })),
    );
    return { valid: anyBearer.map((v) => [authorization(v)]), invalid: fc.oneof(...invalid) };
  }
  // X-API-Key holds the token and nothing else: no scheme, one value.
  const wrongApiKey = fc.oneof(
    junk,
    fc.constantFrom('', 'null', 'undefined', 'Bearer'),
    fc
      .constantFrom(...SECRETS)
      .chain((s) =>
        fc.constantFrom(
          `${s}x`,
          s.toUpperCase(),
          s.slice(0, -1),
          `Bearer ${s}`,
          `bearer ${s}`,
          `"${s}"`,
          `${s} ${s}`,
          `${s}, ${s}`,
          `${s}\t${s}`,
        ),
      ),
  );
  // Not blank: whether an empty Authorization counts as absent (and X-API-Key is then read) is not settled.
  const wrongNonBlankAuthorization = wrongAuthorization.filter((v) => v.trim() !== '');
  invalid.push(
    wrongApiKey.chain(apiKey).map((h) => ({ label: 'unknown or malformed X-API-Key', value: [h] })),
    fc
      .tuple(fc.oneof(anySecret, wrongApiKey), fc.oneof(anySecret, wrongApiKey))
      .chain(([a, b]) => fc.tuple(apiKey(a), apiKey(b)))
      .map((headers) => ({ label: 'two X-API-Key headers', value: headers })),
    fc.tuple(wrongNonBlankAuthorization, anySecret.chain(apiKey), fc.boolean()).map(([wrong, key, first]) => ({
      label: 'a wrong Authorization beside a right X-API-Key',
      value: first ? [authorization(wrong), key] : [key, authorization(wrong)],
    })),
    fc.tuple(wrongNonBlankAuthorization, wrongApiKey.chain(apiKey)).map(([wrong, key]) => ({
      label: 'a wrong Authorization and a wrong X-API-Key',
      value: [authorization(wrong), key],
    })),
  );
  return {
    valid: fc.oneof(
      anyBearer.map((v) => [authorization(v)]),
      anySecret.chain(apiKey).map((h) => [h]),
    ),
    invalid: fc.oneof(...invalid),
  };
}

function ifMatchIsWellFormed(value: string): boolean {
  const v = value.trim();
  return v === '' || v === '*' || /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.test(v);
}

/** If-Match and Idempotency-Key, for flag commands. */
export function commandHeadersPart(route: FuzzRoute): Part<Header[]> | undefined {
  if (!route.command) return undefined;
  const badIdempotencyKey = fc.oneof(
    fc.constant(''),
    visibleAscii(256, 400),
    fc
      .tuple(visibleAscii(1, 10), fc.constantFrom(' ', '\t', 'é', '\u00ff', '\u0080', ' , '), visibleAscii(1, 10))
      .map(([a, bad, b]) => a + bad + b),
  );
  return {
    valid: fc.oneof(
      fc.constant<Header[]>([]),
      fc.constant<Header[]>([['If-Match', '*']]),
      visibleAscii(1, 64).map((key): Header[] => [['Idempotency-Key', key]]),
    ),
    invalid: fc.oneof(
      fc
        .oneof(
          fc.constantFrom(
            'abc',
            '"abc"',
            '"-1"',
            '"1.5"',
            '"1" "2"',
            '"1", "2"',
            'W/',
            '""',
            '1e3',
            '**',
            'W/"x"',
            '"9999999999999999"',
            'W/ "1"',
            '"1',
          ),
          headerText(30),
        )
        .filter((v) => !ifMatchIsWellFormed(v))
        .map((v) => ({ label: 'If-Match is not a version', value: [['If-Match', v]] as Header[] })),
      fc
        .tuple(fc.integer({ min: 1_000, max: 999_999_999_999_999 }), fc.constantFrom('"%"', 'W/"%"', '%'))
        .map(([n, form]) => ({
          label: 'If-Match names a version the flag is not at',
          value: [['If-Match', form.replace('%', String(n))]] as Header[],
        })),
      badIdempotencyKey.map((key) => ({
        label: 'Idempotency-Key is not 1–255 visible ASCII',
        value: [['Idempotency-Key', key]] as Header[],
      })),
      fc.tuple(visibleAscii(1, 20), visibleAscii(1, 20)).map(([a, b]) => ({
        label: 'two Idempotency-Key headers',
        value: [
          ['Idempotency-Key', a],
          ['Idempotency-Key', b],
        ] as Header[],
      })),
    ),
  };
}

const NOISE_HEADERS = [
  'Accept',
  'Accept-Language',
  'Accept-Encoding',
  'X-Request-Id',
  'User-Agent',
  'If-None-Match',
  'Last-Event-ID',
  'Origin',
  'Cookie',
  'X-Forwarded-For',
  'X-Forwarded-Proto',
  'X-HTTP-Method-Override',
  'Referer',
  'Cache-Control',
  'Prefer',
];
/** Headers no route must trip over, whatever their value. */
export const noiseHeaders = fc.array(
  fc.tuple<Header>(
    fc.constantFrom(...NOISE_HEADERS),
    fc.oneof(headerText(200), fc.constantFrom('__proto__=1; constructor=2', 'application/xml', '*', '"1"', '0')),
  ),
  { maxLength: 3 },
);
