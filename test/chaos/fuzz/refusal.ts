import { problemJsonViolation } from '../../support/problem.js';
import type { RawResponse } from './raw-http.js';

/**
 * A refusal format a malformed request may be answered in: problem+json (docs/contract.md §4), or OFREP's
 * (§11). For OFREP, `key` is what the answer's `key` must be: the flag the single-flag route was asked,
 * `null` where there must be none (the bulk route evaluates no one flag), undefined where either will do.
 */
export type RefusalFormat =
  | { wire: 'problem' }
  | {
      wire: 'ofrep';
      key?: string | null;
      /** The errorCode a request breaking one rule must get, where that rule decides it (OFREP clients act on it). */
      errorCode?: OfrepErrorCode;
    };

const OFREP_ERROR_CODE_LIST = ['PARSE_ERROR', 'INVALID_CONTEXT', 'FLAG_NOT_FOUND', 'GENERAL'] as const;
export type OfrepErrorCode = (typeof OFREP_ERROR_CODE_LIST)[number];
const OFREP_ERROR_CODES: ReadonlySet<unknown> = new Set(OFREP_ERROR_CODE_LIST);

/**
 * Why a response is not an OFREP 0.3 refusal, or undefined when it is one: 401, 403 and 429 without a
 * body (429 with Retry-After); any other 4xx a JSON `{key?, errorCode, errorDetails}`.
 */
export function ofrepRefusalViolation(
  res: RawResponse,
  { key, errorCode }: { key?: string | null; errorCode?: OfrepErrorCode },
): string | undefined {
  if (res.status === 401 || res.status === 403 || res.status === 429) {
    if (res.text !== '') return `a ${res.status} with a body, which OFREP gives none`;
    // The failed-authentication throttle may answer any request from this address; 401 and 403 are about credentials.
    if (errorCode !== undefined && res.status !== 429)
      return `a ${res.status} for a request whose credentials are right (${errorCode} was due)`;
    const retryAfter = String(res.headers['retry-after'] ?? '');
    if (res.status === 429 && !/^[1-9]\d*$/.test(retryAfter))
      return `a 429 without a Retry-After of whole seconds (got '${retryAfter}')`;
    return undefined;
  }
  const type = String(res.headers['content-type'] ?? '');
  if (!/^application\/json(;|$)/.test(type)) return `a ${res.status} with content-type '${type}', not application/json`;
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    return `a ${res.status} whose body is not JSON`;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return `a ${res.status} whose body is not a JSON object`;
  const failure = body as Record<string, unknown>;
  if (!OFREP_ERROR_CODES.has(failure.errorCode))
    return `a ${res.status} whose errorCode ${JSON.stringify(failure.errorCode)} is none of OFREP's`;
  if (typeof failure.errorDetails !== 'string') return `a ${res.status} without a string errorDetails`;
  if (key === null && 'key' in failure) return `a ${res.status} naming a key where no one flag was asked`;
  if (key === null && failure.errorCode === 'FLAG_NOT_FOUND')
    return `a ${res.status} FLAG_NOT_FOUND where no one flag was asked`;
  if (typeof key === 'string' && failure.key !== key)
    return `a ${res.status} whose key is ${JSON.stringify(failure.key)}, not the flag asked, ${JSON.stringify(key)}`;
  if (errorCode !== undefined && failure.errorCode !== errorCode)
    return `a ${res.status} ${String(failure.errorCode)} where the one rule broken makes it ${errorCode}`;
  if (failure.errorCode === 'FLAG_NOT_FOUND' && res.status !== 404) return `a ${res.status} FLAG_NOT_FOUND, not a 404`;
  return undefined;
}

/**
 * What docs/contract.md §4 (and §11 for OFREP) promise for a malformed request: a 4xx (never a 5xx, never
 * accepted) in one of the `formats` its route answers in. Returns what is wrong, or undefined for a proper
 * refusal.
 */
export function refusalViolation(
  res: RawResponse,
  formats: readonly RefusalFormat[] = [{ wire: 'problem' }],
): string | undefined {
  if (res.status >= 500) return `a ${res.status}`;
  if (res.status < 400) return `accepted (${res.status}) although malformed`;
  const violations = formats.map((format) =>
    format.wire === 'problem' ? problemJsonViolation(res) : ofrepRefusalViolation(res, format),
  );
  if (violations.includes(undefined)) return undefined;
  return violations.map((v, i) => `${formats[i]!.wire}: ${v}`).join('; ');
}

/** A response in a line, for failure messages. */
export function describeResponse(res: RawResponse): string {
  return `${res.status} ${String(res.headers['content-type'] ?? '(no content-type)')} ${res.text.slice(0, 400)}`;
}
