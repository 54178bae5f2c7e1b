import fc from 'fast-check';
import { bodyPart, ignoredBody } from './bodies.js';
import { encode, encodingPart, type Encoding } from './encodings.js';
import { authPart, commandHeadersPart, headerText, noiseHeaders, SECRETS } from './headers.js';
import type { Json } from './json-text.js';
import { constantPart, type Header, type Labelled, type Part, type Seeded } from './parts.js';
import { methodPart, pathParamPart, unroutedPath } from './paths.js';
import { queryPart, queryString, type QueryPair } from './queries.js';
import type { RawRequest } from './raw-http.js';
import type { OfrepErrorCode, RefusalFormat } from './refusal.js';
import { isServed, isUnderOfrep, label, METHODS, withParams, type FuzzRoute } from './routes.js';

/**
 * A malformed request for a route. It is assembled from independent parts (method, flag key, token,
 * or change request id, token, query, body, how the body is encoded, command headers); at least one part breaks a rule the server
 * must enforce whatever the other parts are, so the request must be refused. The other parts are valid
 * (or noise the route ignores), so each rule is also exercised on its own.
 */
export interface FuzzRequest extends RawRequest {
  route: string;
  /** Which rules this request breaks. */
  faults: string[];
  /** The formats its refusal may take (refusalViolation). */
  refusal: readonly RefusalFormat[];
}

const PROBLEM: readonly RefusalFormat[] = [{ wire: 'problem' }];

/** A path segment as the server's router decodes it; as it is when it does not decode. */
function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The OFREP errorCode of a request that breaks one rule only, where the rule decides it: a body the server
 * cannot read (or that is no object) is PARSE_ERROR, a context it will not read (an attribute of the wrong
 * type or length, or nested too deep) INVALID_CONTEXT, a flag it does not serve FLAG_NOT_FOUND. Another
 * member nested too deep is left open: it is no context, yet the body parsed.
 */
function ofrepErrorCode(broken: ReadonlyArray<readonly [part: string, label: string]>): OfrepErrorCode | undefined {
  if (broken.length !== 1) return undefined;
  const [part, label] = broken[0]!;
  if (part === 'encoding') return 'PARSE_ERROR';
  if (part === 'key') return 'FLAG_NOT_FOUND';
  if (part === 'body' && label === 'not a JSON object') return 'PARSE_ERROR';
  if (part === 'body' && label.startsWith('context:')) return 'INVALID_CONTEXT';
  return undefined;
}

/**
 * How a request to `route` that breaks the `broken` rules may be refused. An OFREP answer names the flag
 * of the single-flag route and no flag on the bulk one. A method OFREP does not serve there is no OFREP
 * route: a 404 problem, unless the body refusals mounted on OFREP's path refuse it first, in OFREP's format.
 */
function refusalFormats(
  route: FuzzRoute,
  broken: ReadonlyArray<readonly [part: string, label: string]>,
  param: string,
): readonly RefusalFormat[] {
  if (route.wire !== 'ofrep') return PROBLEM;
  const errorCode = ofrepErrorCode(broken);
  const ofrep: RefusalFormat = {
    wire: 'ofrep',
    key: route.path.includes(':key') ? decodedSegment(param) : null,
    ...(errorCode === undefined ? {} : { errorCode }),
  };
  return broken.some(([part]) => part === 'method') ? [ofrep, ...PROBLEM] : [ofrep];
}

const choose = <T>(part: Part<T>, wrong: boolean): fc.Arbitrary<Labelled<T> | { label: null; value: T }> =>
  wrong ? part.invalid! : part.valid.map((value) => ({ label: null, value }));

/** Malformed requests for one route, on a server that holds what was `seeded`. */
export function malformedRequests(route: FuzzRoute, seeded: Seeded): fc.Arbitrary<FuzzRequest> {
  const parts = {
    method: methodPart(route),
    key: pathParamPart(route, seeded) ?? constantPart(''),
    auth: authPart(route),
    query: queryPart(route),
    body: bodyPart(route, seeded),
    encoding: encodingPart,
    commandHeaders: commandHeadersPart(route) ?? constantPart<Header[]>([]),
  };
  type Name = keyof typeof parts;
  const names = Object.keys(parts) as Name[];
  const breakable = names.filter((name) => parts[name].invalid !== undefined);
  return fc
    .subarray(breakable, { minLength: 1, maxLength: 2 })
    .chain((broken) => {
      const pick = (name: Name) => choose(parts[name] as Part<unknown>, broken.includes(name));
      return fc.record({
        method: pick('method'),
        key: pick('key'),
        auth: pick('auth'),
        query: pick('query'),
        body: pick('body'),
        encoding: pick('encoding'),
        commandHeaders: pick('commandHeaders'),
        noise: noiseHeaders,
        chunked: fc.boolean(),
      });
    })
    .map((c) => {
      const payload = encode(c.body.value as Json | undefined, c.encoding.value as Encoding);
      const broken = names.flatMap((name) => {
        const fault = c[name].label;
        return fault === null ? [] : [[name, fault] as const];
      });
      return {
        route: label(route),
        faults: broken.map(([name, fault]) => `${name}: ${fault}`),
        method: c.method.value as string,
        target: withParams(route.path, c.key.value as string) + queryString(c.query.value as QueryPair[]),
        refusal: refusalFormats(route, broken, c.key.value as string),
        headers: [
          ...(c.auth.value as Header[]),
          ...payload.headers,
          ...(c.commandHeaders.value as Header[]),
          ...c.noise,
        ],
        body: payload.body,
        chunked: c.chunked,
      };
    });
}

/** Requests to paths no route serves (or with a method none serves there), with any token and body: all must be 404 problems. */
export function requestsToNowhere(): fc.Arbitrary<FuzzRequest> {
  const anyAuth = fc.oneof(
    fc.constant<Header[]>([]),
    fc.constantFrom(...SECRETS).map((s): Header[] => [['Authorization', `Bearer ${s}`]]),
    fc.constantFrom(...SECRETS).map((s): Header[] => [['X-API-Key', s]]),
    headerText(60).map((v): Header[] => [['Authorization', v]]),
  );
  return fc
    .record({
      method: fc.constantFrom(...METHODS),
      path: unroutedPath,
      auth: anyAuth,
      body: ignoredBody,
      encoding: fc.oneof(
        encodingPart.valid,
        encodingPart.invalid!.map((e) => e.value),
      ),
      noise: noiseHeaders,
      chunked: fc.boolean(),
    })
    .filter(({ method, path }) => !isServed(method, path))
    .map((c) => {
      const payload = encode(c.body, c.encoding);
      return {
        route: 'no such route',
        faults: [`${c.method} ${c.path.slice(0, 60)} is not served`],
        // Under OFREP's path a body is refused in OFREP's format before routing finds nothing there.
        refusal: isUnderOfrep(c.path) ? [{ wire: 'ofrep' } as const, ...PROBLEM] : PROBLEM,
        method: c.method,
        target: c.path,
        headers: [...c.auth, ...payload.headers, ...c.noise],
        body: payload.body,
        chunked: c.chunked,
      };
    });
}
