import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { Actor } from '../actor.decorator.js';
import { ActsIn } from '../environment-scope.js';
import type { Principal } from '../principal.js';
import { RequireRole } from '../require-role.decorator.js';
import { TokenCommands, type TokenCommandOutcome } from './token-commands.js';
import { TokenViews, type TokenView } from './token-views.js';
import { IssueTokenRequest, ListTokensQuery, RevokeTokenRequest, RotateTokenRequest } from './token.requests.dto.js';

/** docs/contract.md §9: tokens issued, listed and revoked at run time, as events of the log. */
@Controller('v1/tokens')
export class TokensController {
  constructor(
    private readonly commands: TokenCommands,
    private readonly views: TokenViews,
  ) {}

  /** Every token; with `asOf`, the tokens valid at that instant, read back from the log (TokenViews.list). */
  @Get()
  @RequireRole('admin')
  async list(@Query() query: ListTokensQuery): Promise<{ tokens: TokenView[] }> {
    return { tokens: await this.views.list(query.asOf === undefined ? undefined : new Date(query.asOf)) };
  }

  /** The caller's own token, whatever its role. */
  @Get('me')
  @ActsIn.noEnvironment()
  @RequireRole('evaluator')
  async me(@Actor() principal: Principal): Promise<TokenView> {
    return (await this.views.get(principal.tokenId))!;
  }

  /** 201 with the secret, shown this once: the log and the database keep only its SHA-256. */
  @Post()
  @HttpCode(201)
  @RequireRole('admin')
  async issue(
    @Body() body: IssueTokenRequest,
    @Actor() actor: Principal,
  ): Promise<{ token: TokenView; secret: string; event: TokenCommandOutcome['event'] }> {
    const { token, secret, event } = await this.commands.issue(body, actor);
    return { token: this.views.changed(token), secret, event };
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
    const { token, secret, event } = await this.commands.rotate(id, body.graceSeconds ?? 0, actor, body.reason ?? null);
    return { token: this.views.changed(token), secret, event };
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @RequireRole('admin')
  async revoke(
    @Param('id') id: string,
    @Body() body: RevokeTokenRequest,
    @Actor() actor: Principal,
  ): Promise<{ token: TokenView; event: TokenCommandOutcome['event'] }> {
    const { token, event } = await this.commands.revoke(id, actor, body.reason ?? null);
    return { token: this.views.changed(token), event };
  }
}
