import { userInfo } from 'node:os';
import type { INestApplicationContext } from '@nestjs/common';
import {
  IssueTokenRequest,
  ListTokensQuery,
  RevokeTokenRequest,
  TokenCommands,
  TokenViews,
  type Principal,
} from '../auth/index.js';
import { StrictValidationPipe } from '../http/index.js';
import { DomainError } from '../shared/index.js';

export interface TokensCliArgs {
  subcommand: string | undefined;
  positionals: readonly string[];
  values: {
    name?: string;
    role?: string;
    environment?: string[];
    'expires-at'?: string;
    reason?: string;
    'as-of'?: string;
  };
}

export type TokensCliResult = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * Who the CLI acts as: the operator at the keyboard, `cli:<os user>`, with every right. Whoever can
 * write the database file could append anyway; the log at least says it happened outside the API.
 */
export function cliPrincipal(user = userInfo().username): Principal {
  const name = `cli:${user}`;
  return { name, role: 'admin', tokenId: name, environments: null };
}

/**
 * `tokens issue|list|revoke` (docs/contract.md §9) for when no admin token is at hand: the same
 * validation, decider and events as the API, appended to the database directly.
 */
export async function runTokensCli(app: INestApplicationContext, args: TokensCliArgs): Promise<TokensCliResult> {
  try {
    switch (args.subcommand) {
      case 'issue': {
        const { name, role, environment, 'expires-at': expiresAt, reason } = args.values;
        const request = await validated(IssueTokenRequest, {
          name,
          role,
          environments: environment,
          expiresAt,
          reason,
        });
        const { token, secret, event } = await app.get(TokenCommands).issue(request, cliPrincipal());
        return { ok: true, value: { token: app.get(TokenViews).changed(token), secret, seq: event?.seq } };
      }
      case 'list': {
        const query = await validated(ListTokensQuery, { asOf: args.values['as-of'] });
        return {
          ok: true,
          value: {
            tokens: await app.get(TokenViews).list(query.asOf === undefined ? undefined : new Date(query.asOf)),
          },
        };
      }
      case 'revoke': {
        const id = args.positionals[0];
        if (id === undefined) return { ok: false, error: 'tokens revoke needs the token id (tok_…): see tokens list' };
        const request = await validated(RevokeTokenRequest, { reason: args.values.reason });
        const { token, event } = await app.get(TokenCommands).revoke(id, cliPrincipal(), request.reason ?? null);
        return { ok: true, value: { token: app.get(TokenViews).changed(token), seq: event?.seq ?? null } };
      }
      default:
        return { ok: false, error: `tokens needs issue, list or revoke, got ${args.subcommand ?? 'nothing'}` };
    }
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, error: `${error.code}: ${error.message}` };
    throw error;
  }
}

/** The HTTP routes' validation (400 there), so the CLI accepts exactly what they do. */
async function validated<T extends object>(type: new () => T, input: Record<string, unknown>): Promise<T> {
  const defined = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
  return (await new StrictValidationPipe().transform(defined, { type: 'body', metatype: type })) as T;
}
