import { DomainError } from '../../shared/index.js';
import type { Role } from '../roles.js';
import type { IssuedToken } from './issued-token.js';
import type { TokenEvent } from './token.events.js';

export class TokenNotFoundError extends DomainError {
  constructor(id: string) {
    super(
      'TOKEN_NOT_FOUND',
      `token '${id}' does not exist (or comes from FLAGLEDGER_TOKENS, which the API cannot revoke)`,
    );
  }
}

export class TokenNameTakenError extends DomainError {
  constructor(name: string) {
    super('TOKEN_NAME_TAKEN', `a live token is already named '${name}'`, [
      { field: 'name', message: 'must be unique among live tokens' },
    ]);
  }
}

export class TokenRuleViolationError extends DomainError {
  constructor(field: string, message: string) {
    super('VALIDATION_FAILED', `${field}: ${message}`, [{ field, message }]);
  }
}

/** A scope naming an environment that does not exist: a typo would otherwise make a token that works nowhere. */
export class TokenEnvironmentNotFoundError extends DomainError {
  constructor(unknown: ReadonlyArray<{ key: string; index: number }>) {
    super(
      'ENVIRONMENT_NOT_FOUND',
      `no environment ${unknown.map((u) => `'${u.key}'`).join(', ')}: create it first (POST /v1/environments)`,
      unknown.map(({ index }) => ({ field: `environments[${index}]`, message: 'must name an existing environment' })),
    );
  }
}

export class TokenRevokedError extends DomainError {
  constructor(id: string) {
    super('TOKEN_REVOKED', `token '${id}' is revoked: issue a new one`);
  }
}

/** The longest grace period a rotation may leave the old secret (a day: docs/contract.md §9). */
export const MAX_GRACE_SECONDS = 86_400;

export type TokenCommand =
  | {
      kind: 'issue';
      id: string;
      name: string;
      role: Role;
      environments: readonly string[] | null;
      secretHash: string;
      expiresAt: string | null;
    }
  | { kind: 'rotate'; id: string; secretHash: string; graceSeconds: number }
  | { kind: 'revoke'; id: string };

/**
 * What a token command records (docs/contract.md §9). `liveNames`: the names of every live token, the
 * configured ones included; `environments`: the keys that exist; `current`: the token the command names.
 * Revoking a revoked token records nothing.
 */
export function decideToken(
  command: TokenCommand,
  current: IssuedToken | undefined,
  world: { liveNames: ReadonlySet<string>; environments: { has(key: string): boolean }; now: Date },
): TokenEvent[] {
  const { liveNames, now } = world;
  switch (command.kind) {
    case 'issue': {
      if (liveNames.has(command.name)) throw new TokenNameTakenError(command.name);
      if (command.expiresAt !== null && Date.parse(command.expiresAt) <= now.getTime())
        throw new TokenRuleViolationError('expiresAt', `must lie in the future (now is ${now.toISOString()})`);
      const unknown = (command.environments ?? [])
        .map((key, index) => ({ key, index }))
        .filter(({ key }) => !world.environments.has(key));
      if (unknown.length > 0) throw new TokenEnvironmentNotFoundError(unknown);
      const { id, name, role, secretHash, expiresAt } = command;
      // Sorted and without repeats: one scope has one spelling in the log, whatever order it was asked in.
      const environments = command.environments === null ? null : [...new Set(command.environments)].sort();
      return [{ type: 'TokenIssued', data: { id, name, role, secretHash, environments, expiresAt } }];
    }
    case 'rotate': {
      if (current === undefined) throw new TokenNotFoundError(command.id);
      if (current.revokedAt !== null) throw new TokenRevokedError(command.id);
      const previousValidUntil = new Date(now.getTime() + command.graceSeconds * 1000).toISOString();
      return [
        {
          type: 'TokenRotated',
          data: {
            id: command.id,
            secretHash: command.secretHash,
            previousSecretHash: current.secretHash,
            previousValidUntil,
          },
        },
      ];
    }
    case 'revoke':
      if (current === undefined) throw new TokenNotFoundError(command.id);
      return current.revokedAt !== null ? [] : [{ type: 'TokenRevoked', data: { id: command.id } }];
    default: {
      const unreachable: never = command;
      throw new Error(`unknown token command ${JSON.stringify(unreachable)}`);
    }
  }
}
