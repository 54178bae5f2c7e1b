import fc from 'fast-check';
import type { Part, Seeded } from './parts.js';
import { percentEncode } from './raw-http.js';
import { isServed, METHODS, withParams, type FuzzRoute } from './routes.js';
import { anyText } from './wrong-values.js';

/** The route's method, or one no route serves on its path. */
export function methodPart(route: FuzzRoute): Part<string> {
  const wrong = METHODS.filter((m) => !isServed(m, withParams(route.path, 'k')));
  return {
    valid: fc.constant(route.method),
    invalid: fc.constantFrom(...wrong).map((m) => ({ label: `${m} is not served here`, value: m })),
  };
}

const TRAVERSALS = [
  '..',
  '../..',
  '../../etc/passwd',
  '..\\..\\windows',
  '....//',
  '.%2e/',
  '/etc/passwd',
  'a/../b',
  '\u0000',
  'a\u0000b',
  '%00',
  '~root',
  '$(id)',
  '; DROP TABLE events; --',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
];
const PROTOTYPE_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
];
/** Segments sent as they are: broken escapes and encoded traversals. */
const RAW_SEGMENTS = [
  '%',
  '%zz',
  '%E0%A4%A',
  '%FF',
  '%C0%AE%C0%AE',
  '..%2F..',
  '..%2f..%2fadmin',
  '%2e%2e',
  '%2e%2e%2f%2e%2e',
  '..%5C..',
  '%00',
  'a%00b',
  '%u002e',
  '%252e%252e',
];

function decoded(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/**
 * The path parameter (`:key` a flag, `:id` a change request): one the server holds, or one it does not
 * (traversal, prototype names, unicode, broken escapes).
 */
export function pathParamPart(route: FuzzRoute, seeded: Seeded): Part<string> | undefined {
  const param = /:(key|id)\b/.exec(route.path)?.[1];
  if (param === undefined) return undefined;
  const existing = param === 'key' ? seeded.flagKeys : seeded.changeRequestIds;
  // "stale" is GET /v1/flags/stale (routes ignore case), not a flag.
  const taken = (key: string) => existing.includes(key) || (param === 'key' && key.toLowerCase() === 'stale');
  const encoded = fc
    .oneof(
      fc.constantFrom(...TRAVERSALS, ...PROTOTYPE_NAMES),
      anyText(40),
      fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,127}$/),
      // Near misses of a change request id: cr_ and base64url, but not one the server issued.
      fc.stringMatching(/^cr_[A-Za-z0-9_-]{1,12}$/),
      fc.integer({ min: 129, max: 2_000 }).map((n) => 'k'.repeat(n)),
      fc.integer({ min: 1, max: 300 }).map((n) => '\u{1f600}'.repeat(n)),
    )
    .map((key) => percentEncode(key));
  const bytes = fc.uint8Array({ minLength: 1, maxLength: 40 }).map((b) => percentEncode(b));
  const unknown = fc
    // Mostly keys that decode and so reach the handler; some that do not decode at all.
    .oneof(
      { arbitrary: encoded, weight: 4 },
      { arbitrary: bytes, weight: 1 },
      { arbitrary: fc.constantFrom(...RAW_SEGMENTS), weight: 1 },
    )
    .filter((segment) => {
      const key = decoded(segment);
      // An empty segment is another route.
      return segment !== '' && (key === null || !taken(key));
    })
    .map((segment) => ({ label: `no ${param} '${segment.slice(0, 40)}'`, value: segment }));
  if (route.wire === 'ofrep') {
    // OFREP evaluates live flags only: an archived one is FLAG_NOT_FOUND, as one that never was.
    const live = seeded.liveFlags.map((f) => f.key);
    const archived = existing.filter((key) => !live.includes(key));
    return {
      valid: fc.constantFrom(...live),
      invalid: fc.oneof(
        { arbitrary: unknown, weight: 3 },
        {
          arbitrary: fc.constantFrom(...archived).map((key) => ({ label: `flag '${key}' is archived`, value: key })),
          weight: 1,
        },
      ),
    };
  }
  return { valid: fc.constantFrom(...existing), invalid: unknown };
}

const NOWHERE = [
  '/',
  '/v1',
  '/v1/',
  '/v2/flags',
  '/v1/admin',
  '/v1/admin/projections',
  '/admin/checkpoints',
  '/v1/flags/k/history/x',
  '/v1/flags/k/enable/..',
  '/v1/flags/k/kill-switch',
  '/v1/evaluate/all/x',
  '/v1/health/x',
  '/metrics/x',
  '/v1/metrics',
  '/../../etc/passwd',
  '/v1/../../etc/passwd',
  '/v1/flags/../../../../etc/passwd',
  '/%2e%2e/%2e%2e/etc/passwd',
  '/v1/flags/%2e%2e/%2e%2e/admin/checkpoints',
  '/..;/v1/flags',
  '/.env',
  '/.git/config',
  '//',
  '//v1/flags',
  '/v1//flags',
  '/v1/flags//enable',
  '/%00',
  '/v1/%00',
  '/v1/flags/k%00/history/x',
  '/v1/stream/x',
  '/v1/snapshot/x',
  '/v1/telemetry',
  '/v1/audit/verify/x',
  '/v1/export/x',
  '/v1/flags/stale/x',
  '/api',
  '/api/client',
  '/api/client/features/x',
  '/api/client/register/x',
  '/api/client/metrics/x',
  '/api/admin/features',
  '/ofrep',
  '/ofrep/v1',
  '/ofrep/v1/evaluate',
  '/ofrep/v2/evaluate/flags',
  '/ofrep/v1/evaluate/flags/k/x',
  '/ofrep/v1/evaluate/flags//',
  '/OFREP/v1/evaluate',
  '/ofrep/v1/configuration',
];

/** Paths that look like routes, traversals, or nothing at all (some are served for some methods: filter with isServed). */
export const unroutedPath = fc.oneof(
  fc.constantFrom(...NOWHERE),
  fc
    .array(
      anyText(12).map((s) => percentEncode(s)),
      { minLength: 1, maxLength: 4 },
    )
    .map((segments) => `/v1/${segments.join('/')}`),
  fc
    .tuple(
      fc.constantFrom(
        '/v1/flags/k/',
        '/v1/audit/',
        '/v1/admin/',
        '/health/',
        '/v1/telemetry/',
        '/v1/flags/k/kill-switch/',
      ),
      anyText(12),
    )
    .map(([prefix, s]) => prefix + percentEncode(s)),
  fc.integer({ min: 1, max: 6_000 }).map((n) => `/${'a'.repeat(n)}`),
);
