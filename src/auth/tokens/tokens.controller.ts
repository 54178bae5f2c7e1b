import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import type { AppConfig } from '../../config/index.js';
import { APP_CONFIG, CLOCK, type Clock } from '../../shared/index.js';
import { Actor } from '../actor.decorator.js';
import { ActsIn } from '../environment-scope.js';
import type { Principal } from '../principal.js';
import { RequireRole } from '../require-role.decorator.js';
import type { Role } from '../roles.js';
import { isLive, type IssuedToken } from './issued-token.js';
import { TokenCommands, type TokenCommandOutcome } from './token-commands.js';
import { TokenDirectory } from './token-directory.js';
import { TokenLastUsed } from './token-last-used.js';
import { TokenNotFoundError } from './token.decider.js';
import { IssueTokenRequest, ListTokensQuery, RevokeTokenRequest, RotateTokenRequest } from './token.requests.dto.js';

/** A token as the API shows it: never its secret, nor the secret's hash. */
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

function viewOf(token: IssuedToken, lastUsed: ReadonlyMap<string, string>): TokenView {
  const { id, name, role, environments, expiresAt, createdBy, createdAt, revokedAt } = token;
  const lastUsedAt = lastUsed.get(id) ?? null;
  return { id, name, role, environments, expiresAt, createdBy, createdAt, revokedAt, lastUsedAt, source: 'api' };
}

/** A just-issued or just-changed token: its last use is not what the answer is about. */
const NOT_LOOKED_UP: ReadonlyMap<string, string> = new Map();

/** docs/contract.md §9: tokens issued, listed and revoked at run time, as events of the log. */
@Controller('v1/tokens')
export class TokensController {
  private readonly configured: Omit<TokenView, 'lastUsedAt'>[];

  constructor(
    private readonly commands: TokenCommands,
    private readonly directory: TokenDirectory,
    private readonly lastUsed: TokenLastUsed,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.configured = config.tokens.map((t) => ({
      id: `config:${t.name}`,
      name: t.name,
      role: t.role,
      environments: null,
      expiresAt: null,
      createdBy: null,
      createdAt: null,
      revokedAt: null,
      source: 'config',
    }));
  }

  /**
   * Every token; with `asOf`, the tokens valid at that instant (issued by then, neither revoked nor expired
   * then), read back from the log: who could do what on 1 March. Configured tokens are always valid.
   */
  @Get()
  @RequireRole('admin')
  async list(@Query() query: ListTokensQuery): Promise<{ tokens: TokenView[] }> {
    const lastUsed = await this.lastUsed.all();
    const at = query.asOf === undefined ? undefined : new Date(query.asOf);
    const tokens =
      at === undefined
        ? this.directory.all()
        : (await this.directory.asOf(at.toISOString())).filter((token) => isLive(token, at));
    return { tokens: [...this.configuredViews(lastUsed), ...tokens.map((token) => viewOf(token, lastUsed))] };
  }

  /** Always valid, so listed at every instant; their last use is kept like an issued token's. */
  private configuredViews(lastUsed: ReadonlyMap<string, string>): TokenView[] {
    return this.configured.map((token) => ({ ...token, lastUsedAt: lastUsed.get(token.id) ?? null }));
  }

  /** The caller's own token, whatever its role. */
  @Get('me')
  @ActsIn.noEnvironment()
  @RequireRole('evaluator')
  async me(@Actor() principal: Principal): Promise<TokenView> {
    const lastUsed = await this.lastUsed.all();
    const issued = this.directory.get(principal.tokenId);
    if (issued !== undefined) return viewOf(issued, lastUsed);
    return this.configuredViews(lastUsed).find((t) => t.id === principal.tokenId)!;
  }

  /** 201 with the secret, shown this once: the log and the database keep only its SHA-256. */
  @Post()
  @HttpCode(201)
  @RequireRole('admin')
  async issue(
    @Body() body: IssueTokenRequest,
    @Actor() actor: Principal,
  ): Promise<{ token: TokenView; secret: string; event: TokenCommandOutcome['event'] }> {
    const { token, secret, event } = await this.commands.issue(
      { name: body.name, role: body.role, environments: body.environments ?? null, expiresAt: body.expiresAt ?? null },
      actor,
      body.reason ?? null,
    );
    return { token: viewOf(token, NOT_LOOKED_UP), secret, event };
  }

  /** 201 with the new secret, shown this once; the old one works `graceSeconds` more (default 0). */
  @Post(':id/rotate')
  @HttpCode(201)
  @RequireRole('admin')
  async rotate(
    @Param('id') id: string,
    @Body() body: RotateTokenRequest,
    @Actor() actor: Principal,
  ): Promise<{ token: TokenView; secret: string; event: TokenCommandOutcome['event'] }> {
    if (id.startsWith('config:')) throw new TokenNotFoundError(id);
    const { token, secret, event } = await this.commands.rotate(id, body.graceSeconds ?? 0, actor, body.reason ?? null);
    return { token: viewOf(token, NOT_LOOKED_UP), secret, event };
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @RequireRole('admin')
  async revoke(
    @Param('id') id: string,
    @Body() body: RevokeTokenRequest,
    @Actor() actor: Principal,
  ): Promise<{ token: TokenView; event: TokenCommandOutcome['event'] }> {
    if (id.startsWith('config:')) throw new TokenNotFoundError(id);
    const { token, event } = await this.commands.revoke(id, actor, body.reason ?? null);
    return { token: viewOf(token, NOT_LOOKED_UP), event };
  }
}
