import { Body, Controller, Get, Headers, HttpCode, Next, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { NextFunction, Response } from 'express';
import { RequireRole } from '../auth/index.js';
import { FlagUsageReader, type FlagUsage } from '../telemetry/index.js';
import { CommandCtx, type CommandContext } from './command-context.decorator.js';
import { ExecuteFlagCommand } from './commands/execute-flag-command.command.js';
import { ChangeDetailsRequest } from './commands/requests/change-details.request.dto.js';
import { ChangeRolloutRequest } from './commands/requests/change-rollout.request.dto.js';
import { ChangeSegmentsRequest } from './commands/requests/change-segments.request.dto.js';
import { CommandRequest } from './commands/requests/command.request.dto.js';
import { CreateFlagRequest } from './commands/requests/create-flag.request.dto.js';
import { RESERVED_FLAG_KEYS } from './commands/requests/flag-field.validators.js';
import { etagOf } from './etag.js';
import { FlagStateReader } from './flag-state-reader.js';
import type { FlagState } from './flag-state.js';
import type { FlagCommand } from './flag.commands.js';
import { FlagNotFoundError } from './flag.errors.js';
import { flagMomentOf, GetFlagQuery } from './get-flag.query.dto.js';
import { ListFlagsQuery } from './list-flags.query.dto.js';
import { describeMoment, FlagTimeTravel } from './time-travel/flag-time-travel.js';

type FlagWithUsage = FlagState & FlagUsage;

@Controller('v1/flags')
export class FlagsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly flags: FlagStateReader,
    private readonly timeTravel: FlagTimeTravel,
    private readonly usage: FlagUsageReader,
  ) {}

  @Get()
  @RequireRole('viewer')
  async list(@Query() query: ListFlagsQuery): Promise<{ flags: (FlagState | FlagWithUsage)[]; headSeq: number }> {
    const includeArchived = query.includeArchived === 'true';
    const { flags: all, headSeq } =
      query.asOf === undefined
        ? { flags: [...this.flags.all()], headSeq: this.flags.appliedSeq }
        : await this.timeTravel.all(query.asOf);
    const flags = all
      .filter((f) => (includeArchived || !f.archived) && (query.type === undefined || f.type === query.type))
      .sort((a, b) => (a.key < b.key ? -1 : 1));
    // Usage is today's telemetry: it belongs to live reads, not to a picture of the past.
    return { flags: query.asOf === undefined ? await this.withUsage(flags) : flags, headSeq };
  }

  @Get(':key')
  @RequireRole('viewer')
  async get(
    @Param('key') key: string,
    @Query() query: GetFlagQuery,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() res: Response,
    @Next() next: NextFunction,
  ): Promise<void> {
    // A reserved segment (GET /v1/flags/stale) is another slice's route: hand it on, whichever module
    // registered its routes first, instead of reading it as a flag key.
    if (RESERVED_FLAG_KEYS.includes(key)) return next();
    // A past state is immutable, so its version is as good an ETag as the current one.
    const moment = flagMomentOf(query);
    const flag = moment === undefined ? this.flags.get(key) : await this.timeTravel.flag(key, moment);
    if (flag === undefined) throw new FlagNotFoundError(key, moment && describeMoment(moment));
    const etag = etagOf(flag.version);
    res.setHeader('ETag', etag);
    if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) {
      res.status(304).end();
      return;
    }
    res.json(moment === undefined ? (await this.withUsage([flag]))[0] : flag);
  }

  /**
   * lastEvaluatedAt and evaluation counts beside the flag. The ETag still names the flag's version:
   * it guards the definition (If-Match), and usage is advisory and changes without a new version.
   */
  private async withUsage(flags: FlagState[]): Promise<FlagWithUsage[]> {
    const usage = await this.usage.usageOf(flags.map((f) => f.key));
    return flags.map((flag) => ({ ...flag, ...usage.get(flag.key)! }));
  }

  @Post()
  @RequireRole('editor')
  create(@Body() body: CreateFlagRequest, @CommandCtx() ctx: CommandContext) {
    const { reason, ...input } = body;
    return this.run(body.key, { kind: 'create', input }, reason, ctx);
  }

  @Post(':key/enable')
  @RequireRole('editor')
  @HttpCode(200)
  enable(@Param('key') key: string, @Body() body: CommandRequest, @CommandCtx() ctx: CommandContext) {
    return this.run(key, { kind: 'enable' }, body.reason, ctx);
  }

  @Post(':key/disable')
  @RequireRole('editor')
  @HttpCode(200)
  disable(@Param('key') key: string, @Body() body: CommandRequest, @CommandCtx() ctx: CommandContext) {
    return this.run(key, { kind: 'disable' }, body.reason, ctx);
  }

  @Post(':key/kill-switch/engage')
  @RequireRole('editor')
  @HttpCode(200)
  engageKillSwitch(@Param('key') key: string, @Body() body: CommandRequest, @CommandCtx() ctx: CommandContext) {
    return this.run(key, { kind: 'engageKillSwitch' }, body.reason, ctx);
  }

  @Post(':key/kill-switch/release')
  @RequireRole('editor')
  @HttpCode(200)
  releaseKillSwitch(@Param('key') key: string, @Body() body: CommandRequest, @CommandCtx() ctx: CommandContext) {
    return this.run(key, { kind: 'releaseKillSwitch' }, body.reason, ctx);
  }

  @Put(':key/rollout')
  @RequireRole('editor')
  changeRollout(@Param('key') key: string, @Body() body: ChangeRolloutRequest, @CommandCtx() ctx: CommandContext) {
    return this.run(key, { kind: 'changeRollout', percentage: body.percentage }, body.reason, ctx);
  }

  @Put(':key/segments')
  @RequireRole('editor')
  changeSegments(@Param('key') key: string, @Body() body: ChangeSegmentsRequest, @CommandCtx() ctx: CommandContext) {
    return this.run(key, { kind: 'changeSegments', segments: body.segments }, body.reason, ctx);
  }

  @Patch(':key')
  @RequireRole('editor')
  changeDetails(@Param('key') key: string, @Body() body: ChangeDetailsRequest, @CommandCtx() ctx: CommandContext) {
    const { reason, ...changes } = body;
    return this.run(key, { kind: 'changeDetails', changes }, reason, ctx);
  }

  @Post(':key/archive')
  @RequireRole('editor')
  @HttpCode(200)
  archive(@Param('key') key: string, @Body() body: CommandRequest, @CommandCtx() ctx: CommandContext) {
    return this.run(key, { kind: 'archive' }, body.reason, ctx);
  }

  @Post(':key/restore')
  @RequireRole('editor')
  @HttpCode(200)
  restore(@Param('key') key: string, @Body() body: CommandRequest, @CommandCtx() ctx: CommandContext) {
    return this.run(key, { kind: 'restore' }, body.reason, ctx);
  }

  /** Every command: headers → metadata → CommandBus → status, ETag and the recorded body. */
  private async run(
    key: string,
    command: FlagCommand,
    reason: string | null | undefined,
    ctx: CommandContext,
  ): Promise<unknown> {
    const { actor, expectedVersion, idempotency, response } = ctx;
    const outcome = await this.commandBus.execute(
      new ExecuteFlagCommand(key, command, { actor, reason: reason ?? null, expectedVersion, idempotency }),
    );
    // The status is the route's own (201 create, 200 otherwise), which is also what a replay recorded.
    const body = outcome.response.body as { flag?: FlagState | null };
    if (body.flag) response.setHeader('ETag', etagOf(body.flag.version));
    if (outcome.replayed) response.setHeader('Idempotent-Replayed', 'true');
    return outcome.response.body;
  }
}
