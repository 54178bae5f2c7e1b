import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Actor, ActsIn, type Principal, RequireRole } from '../auth/index.js';
import { EnvironmentDirectory } from '../environments/index.js';
import { FlagStateReader } from '../flags/index.js';
import { takeFlagSnapshot, type FlagSnapshot } from './flag-snapshot.js';
import { FlagStreams } from './flag-streams.js';
import { StreamQuery } from './stream.query.dto.js';

/** What SDKs read (docs/contract.md §4): the live flags at once, and their committed changes as they happen. */
@Controller('v1')
export class DeliveryController {
  constructor(
    private readonly flags: FlagStateReader,
    private readonly streams: FlagStreams,
    private readonly environments: EnvironmentDirectory,
  ) {}

  /** Every live flag from the in-memory projection, with the seq it reflects; no database read. */
  @Get('snapshot')
  @ActsIn.defaultEnvironment()
  @RequireRole('evaluator')
  snapshot(): FlagSnapshot {
    return takeFlagSnapshot(this.flags);
  }

  /** The same, as one environment sees the flags (docs/contract.md §7). */
  @Get('environments/:env/snapshot')
  @ActsIn.params('env')
  @RequireRole('evaluator')
  environmentSnapshot(@Param('env') environment: string): FlagSnapshot {
    this.environments.require(environment);
    return takeFlagSnapshot(this.flags, environment);
  }

  /** Server-sent events: a snapshot (or the missed changes after Last-Event-ID), then every change. */
  @Get('stream')
  @ActsIn.defaultEnvironment()
  @RequireRole('evaluator')
  stream(
    @Query() query: StreamQuery,
    @Headers('last-event-id') lastEventIdHeader: string | undefined,
    @Actor() actor: Principal,
    @Res() res: Response,
  ): Promise<void> {
    return this.streams.serve(res, { principal: actor.name, lastEventId: lastEventIdHeader ?? query.lastEventId });
  }

  /** The same, for one environment: its changes only, never another environment's (docs/contract.md §7). */
  @Get('environments/:env/stream')
  @ActsIn.params('env')
  @RequireRole('evaluator')
  environmentStream(
    @Param('env') environment: string,
    @Query() query: StreamQuery,
    @Headers('last-event-id') lastEventIdHeader: string | undefined,
    @Actor() actor: Principal,
    @Res() res: Response,
  ): Promise<void> {
    this.environments.require(environment);
    return this.streams.serve(res, {
      principal: actor.name,
      environment,
      lastEventId: lastEventIdHeader ?? query.lastEventId,
    });
  }
}
