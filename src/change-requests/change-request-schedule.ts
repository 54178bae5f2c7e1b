import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { CLOCK, type Clock } from '../shared/index.js';
import { ChangeRequestCommands } from './change-request-commands.js';
import { ChangeRequestDirectory } from './change-request-directory.js';

/** How often approved requests are looked at for a `scheduledAt` that has come: the schedule's precision. */
export const SCHEDULE_TICK_MS = 1000;
export const SCHEDULE_TICK_INTERVAL = Symbol('SCHEDULE_TICK_INTERVAL');

/**
 * Applies approved change requests at their `scheduledAt` (docs/contract.md §10). Every instance runs it:
 * the apply is appended at the request's stream version, so of instances racing on one request exactly
 * one writes it, and the others find it closed. The first tick runs at start, so a schedule missed while
 * the server was down applies then, and its event says how late.
 */
@Injectable()
export class ChangeRequestSchedule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ChangeRequestSchedule.name);
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly directory: ChangeRequestDirectory,
    private readonly commands: ChangeRequestCommands,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SCHEDULE_TICK_INTERVAL) private readonly tickMs: number,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.directory.loaded();
    this.timer = setInterval(() => void this.tick(), this.tickMs);
    this.timer.unref();
    void this.tick();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.ticking;
  }

  /** Applies what is due now; ticks never overlap. Resolves once this one is done (tests await it). */
  tick(): Promise<void> {
    this.ticking = this.ticking.then(() => this.applyDue());
    return this.ticking;
  }

  private async applyDue(): Promise<void> {
    const now = this.clock.now().getTime();
    const due = this.directory
      .all()
      .filter((r) => r.state === 'approved' && r.scheduledAt !== null && Date.parse(r.scheduledAt) <= now);
    for (const request of due) {
      if (this.stopped) return;
      try {
        const outcome = await this.commands.applyScheduled(request.id, now);
        if (outcome !== 'skipped')
          this.logger.log({ msg: `scheduled change request ${outcome}`, changeRequest: request.id });
      } catch (error) {
        // A database away now is a retry at the next tick; one bad request must not stop the others.
        this.logger.error({
          msg: 'scheduled apply failed; the next tick retries',
          changeRequest: request.id,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }
}
