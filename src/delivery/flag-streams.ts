import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { StoredEvent } from '../event-store/index.js';
import { eventAppliesTo, FlagStateReader } from '../flags/index.js';
import { DELIVERY_OPTIONS, type DeliveryOptions } from './delivery-options.js';
import { flagFrame, toFlagChange, type FlagFrame } from './flag-change.js';
import { takeFlagSnapshot } from './flag-snapshot.js';
import { FlagStream, type EventSink, type FlagStreamEnd } from './flag-stream.js';
import { MissedFlagChanges } from './missed-flag-changes.js';
import { resumePoint } from './resume-point.js';
import { TooManyStreamsError } from './too-many-streams.error.js';

/** An HTTP response the stream's headers were already sent on; 'close' fires when the client goes away. */
export interface StreamResponse extends EventSink {
  readonly closed: boolean;
  once(event: 'close', listener: () => void): unknown;
}

/** Every open change stream: starts them, and ends them all when the app shuts down. */
@Injectable()
export class FlagStreams implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Stream');
  private readonly streams = new Set<FlagStream>();
  private readonly openPerPrincipal = new Map<string, number>();
  private shuttingDown = false;
  /** Every stream's listener is called in turn for the same event: frame it once per environment. */
  private lastFrames = new Map<string, FlagFrame>();
  private lastFramedSeq = 0;

  constructor(
    private readonly flags: FlagStateReader,
    private readonly missed: MissedFlagChanges,
    @Inject(DELIVERY_OPTIONS) private readonly options: DeliveryOptions,
  ) {}

  /** Streams open right now. */
  get openCount(): number {
    return this.streams.size;
  }

  /** New streams are refused once shutdown began: they would hold the HTTP server's close() open. */
  get accepting(): boolean {
    return !this.shuttingDown;
  }

  /** Throws when `principal` may not open another stream; call in the same tick as open(). */
  admit(principal: string): void {
    const open = this.openPerPrincipal.get(principal) ?? 0;
    if (open >= this.options.maxStreamsPerPrincipal)
      throw new TooManyStreamsError(principal, this.options.maxStreamsPerPrincipal);
  }

  /**
   * Follows the committed changes in `environment` (exists: the route checked) on `res`: first a snapshot,
   * or the changes after `lastEventId` when the client can resume from it; then each change as it commits.
   * Another environment's state changes are never sent. Resolves once the start is sent.
   */
  async open(
    res: StreamResponse,
    lastEventId: string | undefined,
    principal: string,
    environment: string = this.flags.defaultEnvironment,
  ): Promise<void> {
    const opened = performance.now();
    let unsubscribe = (): void => {};
    const stream = new FlagStream(res, this.options, (reason: FlagStreamEnd) => {
      unsubscribe();
      this.streams.delete(stream);
      this.countStream(principal, -1);
      this.logger.log({
        msg: 'stream closed',
        reason,
        open: this.streams.size,
        durationMs: Math.round(performance.now() - opened),
      });
    });
    this.streams.add(stream);
    this.countStream(principal, +1);
    // Subscribe before reading the start, and read the head in the same tick: every later change is held
    // by the stream, every earlier one is in the snapshot or the replay.
    const defaultEnvironment = this.flags.defaultEnvironment;
    unsubscribe = this.flags.subscribe((event) => {
      if (eventAppliesTo(event, environment, defaultEnvironment)) stream.push(this.frame(event, environment));
    });
    res.once('close', () => stream.end('client-gone'));
    if (res.closed) {
      stream.end('client-gone');
      return;
    }

    const headSeq = this.flags.appliedSeq;
    const start = resumePoint(lastEventId, headSeq);
    this.logger.log({
      msg: 'stream opened',
      environment,
      lastEventId: lastEventId ?? null,
      headSeq,
      start: start.kind,
      open: this.streams.size,
    });
    if (start.kind === 'snapshot') {
      stream.startWithSnapshot(takeFlagSnapshot(this.flags, environment));
      return;
    }
    try {
      const changes = await this.missed.read(start.afterSeq, headSeq, environment, defaultEnvironment);
      stream.startWithReplay(start.afterSeq, headSeq, changes.map(flagFrame));
    } catch (error) {
      this.logger.error({
        msg: 'stream replay failed',
        afterSeq: start.afterSeq,
        headSeq,
        error: error instanceof Error ? error.message : String(error),
      });
      stream.end('failed');
    }
  }

  private countStream(principal: string, delta: 1 | -1): void {
    const open = (this.openPerPrincipal.get(principal) ?? 0) + delta;
    if (open === 0) this.openPerPrincipal.delete(principal);
    else this.openPerPrincipal.set(principal, open);
  }

  /**
   * A seq names one committed event for good, so its frame in an environment can be reused by seq. The
   * flag is the reader's own view of it (the listener runs once the event is applied), the object the
   * next evaluation in that environment reads too: it is made once, not once here and once there.
   */
  private frame(event: StoredEvent, environment: string): FlagFrame {
    if (this.lastFramedSeq !== event.seq) {
      this.lastFrames.clear();
      this.lastFramedSeq = event.seq;
    }
    let frame = this.lastFrames.get(environment);
    if (frame === undefined) {
      frame = flagFrame(toFlagChange(event, this.flags.get(event.streamId, environment)!));
      this.lastFrames.set(environment, frame);
    }
    return frame;
  }

  /** Ends every stream before the HTTP server closes, which would otherwise wait for them forever. */
  beforeApplicationShutdown(): void {
    this.shuttingDown = true;
    for (const stream of [...this.streams]) stream.end('shutdown');
  }
}
