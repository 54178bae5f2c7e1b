import { problemJsonViolation } from '../../support/problem.js';
import type { RawResponse } from './raw-http.js';

/**
 * What docs/contract.md §4 promises for a malformed request: a 4xx (never a 5xx, never accepted) whose body is
 * problem+json. Returns what is wrong, or undefined for a proper refusal.
 */
export function refusalViolation(res: RawResponse): string | undefined {
  if (res.status >= 500) return `a ${res.status}`;
  if (res.status < 400) return `accepted (${res.status}) although malformed`;
  return problemJsonViolation(res);
}

/** A response in a line, for failure messages. */
export function describeResponse(res: RawResponse): string {
  return `${res.status} ${String(res.headers['content-type'] ?? '(no content-type)')} ${res.text.slice(0, 400)}`;
}
