import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ActsIn, RequireRole } from '../auth/index.js';
import { EnvironmentDirectory } from '../environments/index.js';
import { FlagUsageReader } from '../telemetry/index.js';
import { CommandCtx, type CommandContext } from './command-context.decorator.js';
import { ChangeRolloutRequest } from './commands/requests/change-rollout.request.dto.js';
import { ChangeSegmentsRequest } from './commands/requests/change-segments.request.dto.js';
import { CommandRequest } from './commands/requests/command.request.dto.js';
import { FlagCommandSender } from './flag-command-sender.js';
import { listFlags } from './flag-list.js';
import { sendFlagRead } from './flag-read-response.js';
import { FlagStateReader } from './flag-state-reader.js';
import type { FlagState } from './flag-state.js';
import type { FlagCommand } from './flag.commands.js';
import { FlagNotFoundError } from './flag.errors.js';
import { flagMomentOf, GetFlagQuery } from './get-flag.query.dto.js';
import { ListFlagsQuery } from './list-flags.query.dto.js';
import { describeMoment, FlagTimeTravel } from './time-travel/flag-time-travel.js';

type FlagInEnvironment = FlagState & { environment: string };

/** A week of hours: the window the console charts, inside the 30 days telemetry keeps. */
const HOURS_SHOWN = 168;

/**
 * docs/contract.md §7: every v1 state command and read, in one environment. The definition (details,
 * archive, restore) is shared, so its commands stay on /v1/flags/:key.
 */
@ActsIn.params('env')
@Controller('v1/environments/:env/flags')
export class EnvironmentFlagsController {
  constructor(
    private readonly commands: FlagCommandSender,
    private readonly flags: FlagStateReader,
    private readonly timeTravel: FlagTimeTravel,
    private readonly usage: FlagUsageReader,
    private readonly environments: EnvironmentDirectory,
  ) {}

  @Get()
  @RequireRole('viewer')
  async list(
    @Param('env') environment: string,
    @Query() query: ListFlagsQuery,
  ): Promise<{ environment: string; flags: FlagInEnvironment[]; headSeq: number }> {
    this.environments.require(environment);
    const { flags, headSeq } = await listFlags(this.flags, this.timeTravel, query, environment);
    const shown = query.asOf === undefined ? await this.withUsage(flags, environment) : flags;
    return { environment, flags: shown.map((flag) => ({ ...flag, environment })), headSeq };
  }

  @Get(':key')
  @RequireRole('viewer')
  async get(
    @Param('env') environment: string,
    @Param('key') key: string,
    @Query() query: GetFlagQuery,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    this.environments.require(environment);
    const moment = flagMomentOf(query);
    const flag =
      moment === undefined ? this.flags.get(key, environment) : await this.timeTravel.flag(key, moment, environment);
    if (flag === undefined) throw new FlagNotFoundError(key, moment && describeMoment(moment));
    await sendFlagRead(res, flag.version, ifNoneMatch, async () => ({
      ...(moment === undefined ? (await this.withUsage([flag], environment))[0] : flag),
      environment,
    }));
  }

  /** Evaluations per hour over the last 7 days (168 hours, oldest first): what the console's chart draws. */
  @Get(':key/evaluations')
  @RequireRole('viewer')
  async evaluationsPerHour(
    @Param('env') environment: string,
    @Param('key') key: string,
  ): Promise<{ key: string; environment: string; hours: { hour: string; count: number }[] }> {
    this.environments.require(environment);
    if (this.flags.record(key) === undefined) throw new FlagNotFoundError(key);
    return { key, environment, hours: await this.usage.hourlyCounts(key, environment, HOURS_SHOWN) };
  }

  private async withUsage(flags: FlagState[], environment: string): Promise<FlagState[]> {
    const usage = await this.usage.usageOf(
      flags.map((f) => f.key),
      environment,
    );
    return flags.map((flag) => ({ ...flag, ...usage.get(flag.key)! }));
  }

  @Post(':key/enable')
  @RequireRole('editor')
  @HttpCode(200)
  enable(
    @Param('env') env: string,
    @Param('key') key: string,
    @Body() body: CommandRequest,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(env, key, { kind: 'enable' }, body.reason, ctx);
  }

  @Post(':key/disable')
  @RequireRole('editor')
  @HttpCode(200)
  disable(
    @Param('env') env: string,
    @Param('key') key: string,
    @Body() body: CommandRequest,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(env, key, { kind: 'disable' }, body.reason, ctx);
  }

  @Post(':key/kill-switch/engage')
  @RequireRole('editor')
  @HttpCode(200)
  engageKillSwitch(
    @Param('env') env: string,
    @Param('key') key: string,
    @Body() body: CommandRequest,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(env, key, { kind: 'engageKillSwitch' }, body.reason, ctx);
  }

  @Post(':key/kill-switch/release')
  @RequireRole('editor')
  @HttpCode(200)
  releaseKillSwitch(
    @Param('env') env: string,
    @Param('key') key: string,
    @Body() body: CommandRequest,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(env, key, { kind: 'releaseKillSwitch' }, body.reason, ctx);
  }

  @Put(':key/rollout')
  @RequireRole('editor')
  changeRollout(
    @Param('env') env: string,
    @Param('key') key: string,
    @Body() body: ChangeRolloutRequest,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(env, key, { kind: 'changeRollout', percentage: body.percentage }, body.reason, ctx);
  }

  @Put(':key/segments')
  @RequireRole('editor')
  changeSegments(
    @Param('env') env: string,
    @Param('key') key: string,
    @Body() body: ChangeSegmentsRequest,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run(env, key, { kind: 'changeSegments', segments: body.segments }, body.reason, ctx);
  }

  /** Promotion: `from`'s whole state onto this environment, as one FlagStateCopied event (If-Match honoured). */
  @Post(':key/copy-from/:from')
  @ActsIn.params('env', 'from')
  @RequireRole('editor')
  @HttpCode(200)
  copyFrom(
    @Param('env') env: string,
    @Param('key') key: string,
    @Param('from') from: string,
    @Body() body: CommandRequest,
    @CommandCtx() ctx: CommandContext,
  ) {
    this.environments.require(from);
    return this.run(env, key, { kind: 'copyState', from }, body.reason, ctx);
  }

  private run(env: string, key: string, command: FlagCommand, reason: string | null | undefined, ctx: CommandContext) {
    this.environments.require(env);
    return this.commands.send(key, command, reason, ctx, env);
  }
}
