import { problemJsonViolation } from '../../support/problem.js';
import type { RawResponse } from './raw-http.js';
import type { FuzzRequest } from './requests.js';

/**
 * Wrong answers the fuzzer has found and reported, which it logs instead of failing on until the server is
 * fixed: then delete the entry, and the fuzzer fails on them again. FUZZ_STRICT=1 fails on them now.
 * Each matches only its own case, so anything else wrong about the same request still fails.
 */
export interface KnownDeviation {
  summary: string;
  matches: (req: FuzzRequest, res: RawResponse) => boolean;
}

function problemCode(res: RawResponse): { code?: unknown; detail?: unknown } {
  if (problemJsonViolation(res) !== undefined) return {};
  return JSON.parse(res.text) as { code?: unknown; detail?: unknown };
}

function decodes(segment: string): boolean {
  try {
    decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}

export const KNOWN_DEVIATIONS: readonly KnownDeviation[] = [
  {
    // Express decodes route parameters while routing, before the controller's OfrepFailureFilter is in
    // reach, so the global problem+json filter answers (and before the guard: a wrong token is not a 401).
    summary:
      "POST /ofrep/v1/evaluate/flags/:key with a key that does not percent-decode (e.g. '%80', '%zz') is refused " +
      'with a 400 application/problem+json (code HTTP_400, "Failed to decode param"), not OFREP\'s ' +
      '{key, errorCode, errorDetails}',
    matches: (req, res) => {
      const segment = /^\/ofrep\/v1\/evaluate\/flags\/([^/?]+)/.exec(req.target)?.[1];
      const { code, detail } = problemCode(res);
      return (
        req.route === 'POST /ofrep/v1/evaluate/flags/:key' &&
        segment !== undefined &&
        !decodes(segment) &&
        res.status === 400 &&
        code === 'HTTP_400' &&
        typeof detail === 'string' &&
        detail.startsWith('Failed to decode param')
      );
    },
  },
];
