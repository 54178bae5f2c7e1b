import { Inject, Injectable, Logger } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type StoredEvent } from './event-store.js';

export type CommittedEventListener = (events: readonly StoredEvent[]) => void;

const CATCH_UP_BATCH = 1000;

/**
 * Hands committed events to in-process listeners (the in-memory projection, the EventBus bridge) exactly
 * once and in seq order. Appends deliver what they committed; if a delivery arrives ahead of a gap, the
 * missing events are read back from the committed log, so a listener never sees an event twice, out of
 * order, or one that was not committed.
 */
@Injectable()
export class CommittedEventFeed {
  private readonly logger = new Logger(CommittedEventFeed.name);
  private readonly listeners: CommittedEventListener[] = [];
  private deliveredSeq = 0;
  private isStarted = false;
  private queue: Promise<void> = Promise.resolve();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  subscribe(listener: CommittedEventListener): void {
    this.listeners.push(listener);
  }

  /** Listeners start from here: everything up to `seq` is already reflected in their own loaded state. */
  startAt(seq: number): void {
    this.deliveredSeq = seq;
    this.isStarted = true;
  }

  /** Whether startAt was called: before it, reading the log would hand listeners what they already loaded. */
  get started(): boolean {
    return this.isStarted;
  }

  get headSeq(): number {
    return this.deliveredSeq;
  }

  /** Resolves once these events (and any committed before them) reached every listener. */
  deliver(events: readonly StoredEvent[]): Promise<void> {
    return this.enqueue(() => this.process(events));
  }

  /** Runs work that must not interleave with deliveries (a listener reloading its state), in queue order. */
  exclusive(work: () => Promise<void>): Promise<void> {
    return this.enqueue(work);
  }

  /** Reads and delivers whatever was committed since the last delivery. */
  catchUp(): Promise<void> {
    return this.enqueue(() => this.readFromLog());
  }

  /**
   * Runs `work` after everything queued before it. Its failure (a log read while the database is away)
   * rejects only its own caller: later work still runs, and the next catch-up reads from where delivery
   * stopped.
   */
  private enqueue(work: () => Promise<void>): Promise<void> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async process(events: readonly StoredEvent[]): Promise<void> {
    const fresh = events.filter((e) => e.seq > this.deliveredSeq);
    if (fresh.length === 0) return;
    if (fresh[0]!.seq !== this.deliveredSeq + 1) {
      await this.readFromLog();
      return;
    }
    this.emit(fresh);
  }

  private async readFromLog(): Promise<void> {
    for (;;) {
      const batch = await this.store.readAll(this.deliveredSeq, CATCH_UP_BATCH);
      if (batch.length === 0) return;
      this.emit(batch);
    }
  }

  private emit(events: readonly StoredEvent[]): void {
    for (const listener of this.listeners) {
      try {
        listener(events);
      } catch (error) {
        this.logger.error(
          `listener failed on seq ${events[0]!.seq}–${events[events.length - 1]!.seq}: ${String(error)}`,
        );
      }
    }
    this.deliveredSeq = events[events.length - 1]!.seq;
  }
}
