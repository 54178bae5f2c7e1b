import { Logger } from '@nestjs/common';
import type { StoreProbe } from '../database/index.js';
import type { Clock, StorageFailure } from '../shared/index.js';

/** How often a store marked down is probed, so it comes back without waiting for the next command. */
export const STORE_PROBE_INTERVAL_MS = 1_000;

export type StoreState = { up: true } | { up: false; failure: StorageFailure; since: Date };

/**
 * Whether the event store can take appends, as the last append (or probe) found it: what /ready,
 * /metrics and the Flagledger-Stale header report. Storage failures mark it down and successes up; it
 * logs once per change of state, never per refused request. While down it probes every second, so a
 * freed disk or a database back makes /ready 200 again even if no command arrives: a load balancer
 * that stopped sending writes would otherwise never send the one that finds out.
 */
export class StoreHealth {
  private readonly logger = new Logger('EventStore');
  private current: StoreState = { up: true };
  private readonly failures: Record<StorageFailure, number> = { full: 0, unavailable: 0 };
  private lastAppendAt: Date | undefined;
  private probing: NodeJS.Timeout | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly probe: StoreProbe,
    private readonly probeIntervalMs = STORE_PROBE_INTERVAL_MS,
  ) {}

  get state(): StoreState {
    return this.current;
  }

  /** Storage failures of appends since start, by reason. */
  get failureCounts(): Readonly<Record<StorageFailure, number>> {
    return this.failures;
  }

  /** When an append last committed (undefined: none since start). */
  get lastAppendedAt(): Date | undefined {
    return this.lastAppendAt;
  }

  appended(): void {
    this.lastAppendAt = this.clock.now();
    this.markUp('an append committed');
  }

  appendFailed(failure: StorageFailure, error: unknown): void {
    this.failures[failure]++;
    this.markDown(failure, error);
  }

  /** A read of the store failed for a storage reason: appends would fail the same way. */
  readFailed(failure: StorageFailure, error: unknown): void {
    this.markDown(failure, error);
  }

  onApplicationShutdown(): void {
    this.stop();
  }

  private stop(): void {
    clearInterval(this.probing);
    this.probing = undefined;
  }

  private markDown(failure: StorageFailure, error: unknown): void {
    const was = this.current;
    if (!was.up && was.failure === failure) return;
    this.current = { up: false, failure, since: was.up ? this.clock.now() : was.since };
    this.logger.error({
      msg: failure === 'full' ? 'event store down: storage full' : 'event store down: storage unavailable',
      failure,
      error: error instanceof Error ? error.message : String(error),
    });
    this.probing ??= setInterval(() => void this.tryProbe(), this.probeIntervalMs).unref();
  }

  private markUp(how: string): void {
    const was = this.current;
    if (was.up) return;
    this.stop();
    this.current = { up: true };
    this.logger.log({
      msg: 'event store back',
      how,
      downForMs: this.clock.now().getTime() - was.since.getTime(),
    });
  }

  private probeRunning = false;

  /** One probe at a time: a slow database must not pile them up. */
  private async tryProbe(): Promise<void> {
    if (this.probeRunning) return;
    this.probeRunning = true;
    try {
      await this.probe();
      this.markUp('a probe found it writable');
    } catch {
      // Still down: the next tick probes again.
    } finally {
      this.probeRunning = false;
    }
  }
}
