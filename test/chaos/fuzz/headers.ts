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

/** Authorization header values (none, one, or two). */
export function authPart(route: FuzzRoute): Part<string[]> {
  // A route taking the bare token (Unleash's client API) takes it with no scheme as well.
  const schemes = ['Bearer ', 'bearer ', 'BEARER\t', 'Bearer   ', ...(route.rawToken === true ? [''] : [])];
  const bearer = (role: RoleName) => fc.constantFrom(...schemes).map((scheme) => `${scheme}${TOKENS[role].secret}`);
  const allowed = route.min === 'public' ? ROLES : ROLES.slice(ROLES.indexOf(route.min));
  const junk = headerText(120).filter((value) => !SECRETS.some((secret) => value.includes(secret)));
  const anyBearer = fc.constantFrom(...allowed).chain(bearer);
  if (route.min === 'public') {
    // Public routes ignore the header, so nothing about it is wrong.
    return {
      valid: fc.oneof(
        fc.constant<string[]>([]),
        anyBearer.map((v) => [v]),
        junk.map((v) => [v]),
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
  const invalid: fc.Arbitrary<Labelled<string[]>>[] = [
    fc.constant({ label: 'no Authorization', value: [] }),
    fc
      .oneof(
        junk,
        fc.constantFrom('', 'Bearer', 'Bearer ', 'Bearer null', 'Basic YWxpY2U6c2VjcmV0', 'Digest username="x"'),
        nearMisses,
      )
      .map((v) => ({ label: 'unknown or malformed token', value: [v] })),
    fc
      .tuple(junk, anyBearer)
      .map(([first, good]) => ({ label: 'two Authorization headers, the first one wrong', value: [first, good] })),
  ];
  if (weaker.length > 0)
    invalid.push(
      fc
        .constantFrom(...weaker)
        .chain((role) => bearer(role).map((v) => ({ label: `role ${role} is too weak`, value: [v] }))),
    );
  return { valid: anyBearer.map((v) => [v]), invalid: fc.oneof(...invalid) };
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
