import type { Role } from '../roles.js';

/**
 * Access as events (docs/contract.md §9), on the stream `token:<id>` of each token, in the same
 * hash-chained log as the flags: verify, export and time travel cover who could do what. The log holds
 * the SHA-256 of a secret, never the secret.
 */
export interface TokenIssuedData {
  id: string;
  name: string;
  role: Role;
  secretHash: string;
  /**
   * The environments the token may act in (evaluate, read state, stream, command); null: every one, those
   * created later included. Absent on no event written so far, but read as null if it ever is.
   */
  environments: string[] | null;
  /** ISO instant after which the token is refused; null: it does not expire. */
  expiresAt: string | null;
}

export interface TokenRevokedData {
  id: string;
}

/** A new secret; the previous one keeps working until `previousValidUntil` (the grace period). */
export interface TokenRotatedData {
  id: string;
  secretHash: string;
  previousSecretHash: string;
  previousValidUntil: string;
}

export type TokenEvent =
  | { type: 'TokenIssued'; data: TokenIssuedData }
  | { type: 'TokenRotated'; data: TokenRotatedData }
  | { type: 'TokenRevoked'; data: TokenRevokedData };

export const TOKEN_EVENT_TYPES = ['TokenIssued', 'TokenRotated', 'TokenRevoked'] as const;
export const TOKEN_EVENT_SCHEMA_VERSION = 1;

export function isTokenEventType(type: string): type is TokenEvent['type'] {
  return (TOKEN_EVENT_TYPES as readonly string[]).includes(type);
}

const STREAM_PREFIX = 'token:';

export function tokenStreamId(id: string): string {
  return `${STREAM_PREFIX}${id}`;
}
