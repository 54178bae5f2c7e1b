/** Flags are versioned, so the version is a strong validator for GET and the value If-Match takes. */
export function etagOf(version: number): string {
  return `"${version}"`;
}
