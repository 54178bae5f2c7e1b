import type { Role } from '../roles.js';
import type { TokenEvent } from './token.events.js';

/** A token issued through the API, as the directory holds it (the secret's hash, never the secret). */
export interface IssuedToken {
  id: string;
  name: string;
  role: Role;
  /** Where it may act; null: every environment. */
  environments: readonly string[] | null;
  secretHash: string;
  expiresAt: string | null;
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
  revokedBy: string | null;
  /** The secret before the last rotation, while its grace period lasts. */
  previous: { secretHash: string; validUntil: string } | null;
  /** Events on its stream so far. */
  version: number;
}

/** The token after one of its events. */
export function evolveToken(
  current: IssuedToken | undefined,
  event: TokenEvent,
  envelope: { actor: string; at: string; version: number },
): IssuedToken {
  switch (event.type) {
    case 'TokenIssued': {
      const { id, name, role, secretHash, expiresAt } = event.data;
      return {
        id,
        name,
        role,
        environments: event.data.environments ?? null,
        secretHash,
        expiresAt,
        createdBy: envelope.actor,
        createdAt: envelope.at,
        revokedAt: null,
        revokedBy: null,
        previous: null,
        version: envelope.version,
      };
    }
    case 'TokenRotated':
      if (current === undefined) throw new Error('TokenRotated before the token was issued');
      return {
        ...current,
        secretHash: event.data.secretHash,
        previous: { secretHash: event.data.previousSecretHash, validUntil: event.data.previousValidUntil },
        version: envelope.version,
      };
    case 'TokenRevoked':
      if (current === undefined) throw new Error('TokenRevoked before the token was issued');
      return { ...current, revokedAt: envelope.at, revokedBy: envelope.actor, version: envelope.version };
    default: {
      const unreachable: never = event;
      throw new Error(`unknown token event ${JSON.stringify(unreachable)}`);
    }
  }
}

/** Whether the token authenticates at `now`: neither revoked nor past its expiry. */
export function isLive(token: IssuedToken, now: Date): boolean {
  return token.revokedAt === null && (token.expiresAt === null || Date.parse(token.expiresAt) > now.getTime());
}

/** Whether `secretHash` opens the token at `now`: its current secret, or the previous one in its grace period. */
export function acceptsSecret(token: IssuedToken, secretHash: string, now: Date): boolean {
  if (!isLive(token, now)) return false;
  if (secretHash === token.secretHash) return true;
  return token.previous?.secretHash === secretHash && Date.parse(token.previous.validUntil) > now.getTime();
}
