import { Body, Controller, Get, Headers, HttpCode, Next, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import { ActsIn, RequireRole } from '../auth/index.js';
import { EnvironmentDirectory } from '../environments/index.js';
import { FlagUsageReader, type FlagUsage } from '../telemetry/index.js';
import { CommandCtx, type CommandContext } from './command-context.decorator.js';
import { ChangeDetailsRequest } from './commands/requests/change-details.request.dto.js';
import { ChangeRolloutRequest } from './commands/requests/change-rollout.request.dto.js';
import { ChangeSegmentsRequest } from './commands/requests/change-segments.request.dto.js';
import { CommandRequest } from './commands/requests/command.request.dto.js';
import { CreateFlagRequest } from './commands/requests/create-flag.request.dto.js';
import { RESERVED_FLAG_KEYS } from './commands/requests/flag-field.validators.js';
import { FlagCommandSender } from './flag-command-sender.js';
import { listFlags } from './flag-list.js';
import { sendFlagRead } from './flag-read-response.js';
import { FlagStateReader } from './flag-state-reader.js';
import { environmentStateOf, type FlagState } from './flag-state.js';
import type { FlagCommand } from './flag.commands.js';
import { FlagNotFoundError } from './flag.errors.js';
import type { FlagEnvironmentState } from './flag.events.js';
import { flagMomentOf, GetFlagQuery } from './get-flag.query.dto.js';
import { ListFlagsQuery } from './list-flags.query.dto.js';
import { describeMoment, FlagTimeTravel } from './time-travel/flag-time-travel.js';

type FlagWithUsage = FlagState & FlagUsage;

interface FlagAcrossEnvironments {
  key: string;
  version: number;
  /** Live reads add lastEvaluatedAt (null: never); a read of the past has none. */
  environments: Record<string, FlagEnvironmentState & { lastEvaluatedAt?: string | null }>;
}

@Controller('v1/flags')
export class FlagsController {
  constructor(
    private readonly commands: FlagCommandSender,
    private readonly flags: FlagStateReader,
    private readonly timeTravel: FlagTimeTravel,
    private readonly usage: FlagUsageReader,
    private readonly environments: EnvironmentDirectory,
  ) {}

  @Get()
  @ActsIn.defaultEnvironment()
  @RequireRole('viewer')
  async list(@Query() query: ListFlagsQuery): Promise<{ flags: (FlagState | FlagWithUsage)[]; headSeq: number }> {
    const { flags, headSeq } = await listFlags(this.flags, this.timeTravel, query);
    // Usage is today's telemetry: it belongs to live reads, not to a picture of the past.
    return { flags: query.asOf === undefined ? await this.withUsage(flags) : flags, headSeq };
  }

  @Get(':key')
  @ActsIn.defaultEnvironment()
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
    const moment = flagMomentOf(query);
    const flag = moment === undefined ? this.flags.get(key) : await this.timeTravel.flag(key, moment);
    if (flag === undefined) throw new FlagNotFoundError(key, moment && describeMoment(moment));
    await sendFlagRead(res, flag.version, ifNoneMatch, async () =>
      moment === undefined ? (await this.withUsage([flag]))[0] : flag,
    );
  }

  /** docs/contract.md §7: the flag's state in every environment, side by side, with when each last evaluated it. */
  @Get(':key/environments')
  @RequireRole('viewer')
  async environmentsOf(@Param('key') key: string, @Query() query: GetFlagQuery): Promise<FlagAcrossEnvironments> {
    const moment = flagMomentOf(query);
    const record = moment === undefined ? this.flags.record(key) : await this.timeTravel.record(key, moment);
    if (record === undefined) throw new FlagNotFoundError(key, moment && describeMoment(moment));
    // An environment created after the instant asked for did not exist then.
    const existed = (createdAt: string | null) =>
      moment === undefined ||
      !('asOf' in moment) ||
      createdAt === null ||
      createdAt <= new Date(moment.asOf).toISOString();
    const environments = this.environments.all().filter((e) => existed(e.createdAt));
    const lastEvaluated =
      moment === undefined
        ? await this.usage.lastEvaluatedIn(
            key,
            environments.map((e) => e.key),
          )
        : undefined;
    return {
      key,
      version: record.version,
      environments: Object.fromEntries(
        environments.map((e) => {
          const { enabled, rolloutPercentage, targetSegments, killSwitch } = environmentStateOf(record, e.key);
          const state = { enabled, rolloutPercentage, targetSegments: [...targetSegments], killSwitch };
          return [
            e.key,
            lastEvaluated === undefined ? state : { ...state, lastEvaluatedAt: lastEvaluated.get(e.key) ?? null },
          ];
        }),
      ),
    };
  }

  /**
   * lastEvaluatedAt and evaluation counts beside the flag: the default environment's, as is all a v1 read
   * shows (GET /v1/flags/:key/environments has each environment's lastEvaluatedAt). The ETag still names
   * the flag's version: it guards the definition (If-Match), and usage is advisory and changes without a
   * new version.
   */
  private async withUsage(flags: FlagState[]): Promise<FlagWithUsage[]> {
    const usage = await this.usage.usageOf(flags.map((f) => f.key));
    return flags.map((flag) => ({ ...flag, ...usage.get(flag.key)! }));
  }

  @Post()
  @ActsIn.defaultEnvironment()
  @RequireRole('editor')
  create(@Body() body: CreateFlagRequest, @CommandCtx() ctx: CommandContext) {
    const { reason, ...input } = body;
    return this.run(body.key, { kind: 'create', input }, reason, ctx);
  }

  @Post(':key/enable')
  @ActsIn.defaultEnvironment()
  @RequireRole('editor')
  @HttpCode(200)
  enable(@Param('key') key: string, @Body() body: CommandRequest, @CommandCtx() ctx: CommandContext) {
    return this.run(key, { kind: 'enable' }, body.reason, ctx);
  }

  @Post(':key/disable')
  @ActsIn.defaultEnvironment()
  @RequireRole('editor')
  @HttpCode(200)
  disable(@Param('key') key: string, @Body() body: CommandRequest, @CommandCtx() ctx: CommandContext) {
    return this.run(key, { kind: 'disable' }, body.reason, ctx);
  }

  @Post(':key/kill-switch/engage')
  @ActsIn.defaultEnvironment()
  @RequireRole('editor')
  @HttpCode(200)
  engageKillSwitch(@Param('key') key: string, @Body() body: CommandRequest, @CommandCtx() ctx: CommandContext) {
    return this.run(key, { kind: 'engageKillSwitch' }, body.reason, ctx);
  }

  @Post(':key/kill-switch/release')
  @ActsIn.defaultEnvironment()
  @RequireRole('editor')
  @HttpCode(200)
  releaseKillSwitch(@Param('key') key: string, @Body() body: CommandRequest, @CommandCtx() ctx: CommandContext) {
    return this.run(key, { kind: 'releaseKillSwitch' }, body.reason, ctx);
  }

  @Put(':key/rollout')
  @ActsIn.defaultEnvironment()
  @RequireRole('editor')
  changeRollout(@Param('key') key: string, @Body() body: ChangeRolloutRequest, @CommandCtx() ctx: CommandContext) {
    return this.run(key, { kind: 'changeRollout', percentage: body.percentage }, body.reason, ctx);
  }

  @Put(':key/segments')
  @ActsIn.defaultEnvironment()
  @RequireRole('editor')
  changeSegments(@Param('key') key: string, @Body() body: ChangeSegmentsRequest, @CommandCtx() ctx: CommandContext) {
    return this.run(key, { kind: 'changeSegments', segments: body.segments }, body.reason, ctx);
  }

  @Patch(':key')
  @ActsIn.noEnvironment()
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

  private run(key: string, command: FlagCommand, reason: string | null | undefined, ctx: CommandContext) {
    return this.commands.send(key, command, reason, ctx);
  }
}
