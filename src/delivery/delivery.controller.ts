import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { type Principal, Actor, RequireRole } from '../auth/index.js';
import { FlagStateReader } from '../flags/index.js';
import { takeFlagSnapshot, type FlagSnapshot } from './flag-snapshot.js';
import { FlagStreams } from './flag-streams.js';
import { SSE_HEADERS } from './server-sent-events.js';
import { ShuttingDownError } from './shutting-down.error.js';
import { StreamQuery } from './stream.query.dto.js';

/** What SDKs read (docs/contract.md §4): the live flags at once, and their committed changes as they happen. */
@Controller('v1')
export class DeliveryController {
  constructor(
    private readonly flags: FlagStateReader,
    private readonly streams: FlagStreams,
  ) {}

  /** Every live flag from the in-memory projection, with the seq it reflects; no database read. */
  @Get('snapshot')
  @RequireRole('evaluator')
  snapshot(): FlagSnapshot {
    return takeFlagSnapshot(this.flags);
  }

  /** Server-sent events: a snapshot (or the missed changes after Last-Event-ID), then every change. */
  @Get('stream')
  @RequireRole('evaluator')
  async stream(
    @Query() query: StreamQuery,
    @Headers('last-event-id') lastEventIdHeader: string | undefined,
    @Actor() actor: Principal,
    @Res() res: Response,
  ): Promise<void> {
    if (!this.streams.accepting) throw new ShuttingDownError();
    this.streams.admit(actor.name);
    res.writeHead(200, SSE_HEADERS);
    // The client knows the stream is open before the first event, which may be a while (resume at head).
    res.flushHeaders();
    await this.streams.open(res, lastEventIdHeader ?? query.lastEventId, actor.name);
  }
}
