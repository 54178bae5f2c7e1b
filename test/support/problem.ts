// Jest's expect imported, not global: bench/ compiles the test kit without Jest's global types.
import { expect } from '@jest/globals';
/** Any HTTP response: supertest's and the fuzzer's raw one both have these. */
export interface ResponseLike {
  status: number;
  headers: Record<string, unknown>;
  text: string;
}

/**
 * Why a response is not an RFC 9457 application/problem+json body with the fields Flagledger always
 * sends (SPEC §4), or undefined when it is one.
 */
export function problemJsonViolation(res: ResponseLike): string | undefined {
  const type = String(res.headers['content-type'] ?? '');
  if (!/^application\/problem\+json(;|$)/.test(type))
    return `a ${res.status} with content-type '${type}', not application/problem+json`;
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    return `a ${res.status} whose body is not JSON`;
  }
  const p = body as Record<string, unknown>;
  const missing = ['type', 'title', 'detail', 'code'].filter((field) => typeof p[field] !== 'string');
  if (missing.length > 0) return `a ${res.status} problem without string ${missing.join(', ')}`;
  if (p.status !== res.status) return `a ${res.status} problem whose status field says ${String(p.status)}`;
  const errors = p.errors;
  if (
    errors !== undefined &&
    !(Array.isArray(errors) && errors.every((e) => typeof e?.field === 'string' && typeof e?.message === 'string'))
  ) {
    return `a ${res.status} problem whose errors are not [{field, message}]`;
  }
  return undefined;
}

/** What a test knows about the problem beyond its status; every part is checked only when given. */
export interface ExpectedProblem {
  /** The problem's `code` (SPEC §4). */
  code?: string;
  /** A field `errors` must name, with a message. */
  field?: string;
  /** Says which request failed when the status is wrong (e.g. the route of a table-driven test). */
  label?: string;
}

/**
 * The one assertion that a response is the problem a test expects: the status (failing with the body,
 * which says why), then a well-formed application/problem+json (problemJsonViolation), then code and field.
 */
export function expectProblem(res: ResponseLike, status: number, expected: ExpectedProblem = {}): void {
  if (res.status !== status) {
    const label = expected.label === undefined ? '' : `${expected.label}: `;
    throw new Error(`${label}expected ${status}, got ${res.status} ${String(res.headers['content-type'])} ${res.text}`);
  }
  expect(problemJsonViolation(res)).toBeUndefined();
  const body = JSON.parse(res.text) as { code: string; errors?: unknown };
  if (expected.code !== undefined) expect(body.code).toBe(expected.code);
  if (expected.field !== undefined) {
    expect(body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: expected.field, message: expect.any(String) })]),
    );
  }
}
