import { Controller, Get, Inject } from '@nestjs/common';
import { Public } from '../auth/index.js';
import { EVENT_STORE, type EventStore } from '../event-store/index.js';
import { FlagStateReader } from '../flags/index.js';

@Controller()
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly flags: FlagStateReader,
  ) {}

  /** Liveness plus how far the in-memory projection is behind the log (0 when healthy). */
  @Get(['health', 'v1/health'])
  @Public()
  async health(): Promise<{ status: 'ok'; headSeq: number; appliedSeq: number; lag: number }> {
    const headSeq = (await this.store.head()).seq;
    const appliedSeq = this.flags.appliedSeq;
    return { status: 'ok', headSeq, appliedSeq, lag: headSeq - appliedSeq };
  }
}
