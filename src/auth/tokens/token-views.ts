import { Injectable } from '@nestjs/common';
import type { Role } from '../roles.js';
import { TokenRegistry } from '../token-registry.js';
import { isLive, type IssuedToken } from './issued-token.js';
import { TokenDirectory } from './token-directory.js';
import { TokenLastUsed } from './token-last-used.js';

/** A token as the API and the CLI show it: never its secret, nor the secret's hash. */
export interface TokenView {
  id: string;
  name: string;
  role: Role;
  /** Where it may act; null: every environment. */
  environments: readonly string[] | null;
  expiresAt: string | null;
  createdBy: string | null;
  createdAt: string | null;
  revokedAt: string | null;
  /** When it last authenticated a request (written every few seconds); null: never. */
  lastUsedAt: string | null;
  /** `config`: FLAGLEDGER_TOKENS, a bootstrap credential the API cannot revoke; `api`: issued here. */
  source: 'config' | 'api';
}

/** A just-issued or just-changed token: its last use is not what the answer is about. */
const NOT_LOOKED_UP: ReadonlyMap<string, string> = new Map();

/** The tokens as GET /v1/tokens and `npm run cli -- tokens list` show them (docs/contract.md §9). */
@Injectable()
export class TokenViews {
  constructor(
    private readonly directory: TokenDirectory,
    private readonly lastUsed: TokenLastUsed,
    private readonly registry: TokenRegistry,
  ) {}

  /**
   * Every token; with `asOf`, the tokens valid at that instant (issued by then, neither revoked nor expired
   * then), read back from the log: who could do what on 1 March. Configured tokens are always valid.
   */
  async list(asOf?: Date): Promise<TokenView[]> {
    const lastUsed = await this.lastUsed.all();
    const tokens =
      asOf === undefined
        ? this.directory.all()
        : (await this.directory.asOf(asOf.toISOString())).filter((token) => isLive(token, asOf));
    return [...this.configuredViews(lastUsed), ...tokens.map((token) => viewOf(token, lastUsed))];
  }

  /** One token by id (`config:<name>` for a configured one); undefined when there is none. */
  async get(id: string): Promise<TokenView | undefined> {
    const lastUsed = await this.lastUsed.all();
    const issued = this.directory.get(id);
    if (issued !== undefined) return viewOf(issued, lastUsed);
    return this.configuredViews(lastUsed).find((t) => t.id === id);
  }

  /** A token a command just issued or changed. */
  changed(token: IssuedToken): TokenView {
    return viewOf(token, NOT_LOOKED_UP);
  }

  /** The bootstrap tokens the registry accepts (the generated admin token only while it is in use). */
  private configuredViews(lastUsed: ReadonlyMap<string, string>): TokenView[] {
    return this.registry.configuredTokens.map(({ name, role }) => ({
      id: `config:${name}`,
      name,
      role,
      environments: null,
      expiresAt: null,
      createdBy: null,
      createdAt: null,
      revokedAt: null,
      lastUsedAt: lastUsed.get(`config:${name}`) ?? null,
      source: 'config',
    }));
  }
}

function viewOf(token: IssuedToken, lastUsed: ReadonlyMap<string, string>): TokenView {
  const { id, name, role, environments, expiresAt, createdBy, createdAt, revokedAt } = token;
  const lastUsedAt = lastUsed.get(id) ?? null;
  return { id, name, role, environments, expiresAt, createdBy, createdAt, revokedAt, lastUsedAt, source: 'api' };
}
