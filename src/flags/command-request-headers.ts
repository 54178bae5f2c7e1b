import type { Request } from 'express';
import { canonicalJson, ValidationFailedError, sha256Hex } from '../shared/index.js';

/** If-Match: "<version>" (also W/"<version>" or a bare number). Absent or * (any version) → undefined. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '' || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(header);
  if (match === null)
    throw new ValidationFailedError([{ field: 'If-Match', message: 'must be a flag version in quotes, e.g. "3"' }]);
  return Number(match[1]);
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** Idempotency-Key with the fingerprint of the request it guards (method, path and body). */
export function parseIdempotency(request: Request): { key: string; fingerprint: string } | undefined {
  const key = request.headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
    throw new ValidationFailedError([{ field: 'Idempotency-Key', message: 'must be 1–255 visible ASCII characters' }]);
  }
  const fingerprint = sha256Hex(
    canonicalJson({ method: request.method, path: request.path, body: request.body ?? {} }),
  );
  return { key, fingerprint };
}
