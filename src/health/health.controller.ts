import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/index.js';
import { within } from '../database/index.js';
import { EVENT_STORE, StoreHealth, type EventStore } from '../event-store/index.js';
import { FlagStateReader } from '../flags/index.js';
import { storageFailureOf, type StorageFailure } from '../shared/index.js';
import { readiness } from './readiness.js';

/** How long /health and /ready wait for the log's head before calling the store unreachable. */
const HEAD_TIMEOUT_MS = 2_000;

@Controller()
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly flags: FlagStateReader,
    private readonly storeHealth: StoreHealth,
  ) {}

  /**
   * Liveness plus how far the in-memory projection is behind the log (0 when healthy): 200 while the
   * process serves, whatever the database does (evaluations go on from memory). With the store
   * unreachable, `headSeq` and `lag` are null and `store` says why.
   */
  @Get(['health', 'v1/health'])
  @Public()
  async health(): Promise<{
    status: 'ok';
    headSeq: number | null;
    appliedSeq: number;
    lag: number | null;
    store: 'up' | StorageFailure;
  }> {
    const head = await this.headSeq();
    const appliedSeq = this.flags.appliedSeq;
    const state = this.storeHealth.state;
    const store = typeof head !== 'number' ? head : state.up ? 'up' : state.failure;
    if (typeof head !== 'number') return { status: 'ok', headSeq: null, appliedSeq, lag: null, store };
    return { status: 'ok', headSeq: head, appliedSeq, lag: head - appliedSeq, store };
  }

  /**
   * Readiness (docs/contract.md, README "When things fail"): 200 when this instance can take commands,
   * 503 with the reason (`storage full`, `store unreachable`, `catching up: lag N`) when a load
   * balancer should send its traffic elsewhere.
   */
  @Get(['ready', 'v1/ready'])
  @Public()
  async ready(@Res({ passthrough: true }) res: Response): Promise<object> {
    const answer = readiness(this.storeHealth.state, await this.headSeq(), this.flags.appliedSeq);
    res.status(answer.ready ? 200 : 503);
    const { ready, ...rest } = answer;
    return { status: ready ? 'ready' : 'not ready', ...rest };
  }

  /** The log's head seq, or why the store could not say (which marks it down: appends would fail too). */
  private async headSeq(): Promise<number | StorageFailure> {
    try {
      return (await within(HEAD_TIMEOUT_MS, this.store.head(), 'the event store')).seq;
    } catch (error) {
      const failure = storageFailureOf(error) ?? 'unavailable';
      this.storeHealth.readFailed(failure, error);
      return failure;
    }
  }
}
