import fc from 'fast-check';
import { bodyPart, ignoredBody } from './bodies.js';
import { encode, encodingPart, type Encoding } from './encodings.js';
import { authPart, commandHeadersPart, headerText, noiseHeaders, SECRETS } from './headers.js';
import type { Json } from './json-text.js';
import { constantPart, type Header, type Labelled, type Part, type Seeded } from './parts.js';
import { methodPart, pathParamPart, unroutedPath } from './paths.js';
import { queryPart, queryString, type QueryPair } from './queries.js';
import type { RawRequest } from './raw-http.js';
import { isServed, label, METHODS, withParams, type FuzzRoute } from './routes.js';

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
      return {
        route: label(route),
        faults: names.flatMap((name) => (c[name].label === null ? [] : [`${name}: ${c[name].label}`])),
        method: c.method.value as string,
        target: withParams(route.path, c.key.value as string) + queryString(c.query.value as QueryPair[]),
        headers: [
          ...(c.auth.value as string[]).map((v): Header => ['Authorization', v]),
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
    fc.constant<string[]>([]),
    fc.constantFrom(...SECRETS).map((s) => [`Bearer ${s}`]),
    headerText(60).map((v) => [v]),
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
        method: c.method,
        target: c.path,
        headers: [...c.auth.map((v): Header => ['Authorization', v]), ...payload.headers, ...c.noise],
        body: payload.body,
        chunked: c.chunked,
      };
    });
}
