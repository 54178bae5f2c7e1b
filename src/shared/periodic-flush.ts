import type { BeforeApplicationShutdown, OnModuleInit } from '@nestjs/common';

/**
 * What is noted in memory on the request path and written to the database every `flushIntervalMs`
 * and at shutdown (a token's last use, client sightings): the timer, and flushes that never overlap.
 * A subclass says what one write is; a write must not throw (it keeps its batch for the next one).
 */
export abstract class PeriodicFlush implements OnModuleInit, BeforeApplicationShutdown {
  private flushing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  protected constructor(private readonly flushIntervalMs: number) {}

  /** Writes what accumulated since the last write. */
  protected abstract write(): Promise<void>;

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), this.flushIntervalMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** Writes what accumulated since the last flush, in one transaction; flushes never overlap. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }
}
