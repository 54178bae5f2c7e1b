/**
 * Whether an If-None-Match header names `etag` (RFC 9110 §13.1.2): a list is allowed, and the comparison
 * is weak, so `W/"x"` matches `"x"`: caches and proxies may weaken a tag they pass on.
 */
export function ifNoneMatchNames(header: string | undefined, etag: string): boolean {
  return header !== undefined && header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
