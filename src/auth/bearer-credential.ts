/** The token of an `Authorization: Bearer <token>` header (the scheme is case-insensitive, RFC 9110 §11.1); undefined for any other form. */
export function bearerCredential(header: string): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
}

/**
 * The token of an Authorization header that holds nothing else, as Unleash SDKs send it (no scheme).
 * Only routes marked `AcceptsRawToken` ask: everywhere else a bare secret stays a 401, so a client that
 * forgot the scheme is told so instead of working by accident.
 */
export function rawCredential(header: string): string | undefined {
  return /^\s*(\S+)\s*$/.exec(header)?.[1];
}
