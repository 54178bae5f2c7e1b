import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { StoredEvent } from '../event-store/index.js';
import { eventAppliesTo, FlagStateReader } from '../flags/index.js';
import { DELIVERY_OPTIONS, type DeliveryOptions } from './delivery-options.js';
import { toFlagChange, type FlagFrame } from './flag-change.js';
import { takeFlagSnapshot } from './flag-snapshot.js';
import { FlagStream, type EventSink, type FlagStreamEnd } from './flag-stream.js';
import { MissedFlagChanges } from './missed-flag-changes.js';
import { resumePoint } from './resume-point.js';
import { SSE_HEADERS } from './server-sent-events.js';
import { ShuttingDownError } from './shutting-down.error.js';
import { FLAGLEDGER_STREAM_FORMAT, type StreamFormat } from './stream-format.js';
import { TooManyStreamsError } from './too-many-streams.error.js';

/** An HTTP response the stream's headers were already sent on; 'close' fires when the client goes away. */
export interface StreamResponse extends EventSink {
  readonly closed: boolean;
  once(event: 'close', listener: () => void): unknown;
}

/** An HTTP response nothing was sent on yet: serve() sends the stream's headers. */
export interface UnstartedStreamResponse extends StreamResponse {
  writeHead(status: number, headers: Readonly<Record<string, string>>): unknown;
  flushHeaders(): void;
}

/** Who follows which environment's changes, in which format, from where. */
export interface StreamRequest {
  principal: string;
  /** Exists: the route checked. Undefined: the default environment. */
  environment?: string;
  lastEventId?: string;
  /** Flagledger's own events unless given. */
  format?: StreamFormat;
  /** Told the last seq written to the client (see FlagStream): for clients that report nothing themselves. */
  onSent?: (seq: number) => void;
}

/** Every open change stream: starts them, and ends them all when the app shuts down. */
@Injectable()
export class FlagStreams implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Stream');
  private readonly streams = new Set<FlagStream>();
  private readonly openPerPrincipal = new Map<string, number>();
  private shuttingDown = false;
  /** Every stream's listener is called in turn for the same event: frame it once per format and environment. */
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
   * Refuses (503 while shutting down, 429 over the principal's bound) before anything is sent; else sends
   * the event-stream headers at once, so the client knows the stream is open before the first event (which
   * may be a while when it resumes at head), and follows the changes as open() does.
   */
  async serve(res: UnstartedStreamResponse, request: StreamRequest): Promise<void> {
    if (!this.accepting) throw new ShuttingDownError();
    this.admit(request.principal);
    res.writeHead(200, SSE_HEADERS);
    res.flushHeaders();
    await this.open(res, request);
  }

  /**
   * Follows the committed changes in the request's environment on `res`: first a snapshot, or the changes
   * after `lastEventId` when the format resumes and the client can resume from it; then each change as it
   * commits. Another environment's state changes are never sent. Resolves once the start is sent.
   */
  async open(res: StreamResponse, request: StreamRequest): Promise<void> {
    const { principal, environment = this.flags.defaultEnvironment, format = FLAGLEDGER_STREAM_FORMAT } = request;
    const lastEventId = format.resumes ? request.lastEventId : undefined;
    const opened = performance.now();
    let unsubscribe = (): void => {};
    const stream = new FlagStream(
      res,
      this.options,
      (reason: FlagStreamEnd) => {
        unsubscribe();
        this.streams.delete(stream);
        this.countStream(principal, -1);
        this.logger.log({
          msg: 'stream closed',
          reason,
          open: this.streams.size,
          durationMs: Math.round(performance.now() - opened),
        });
      },
      request.onSent,
    );
    this.streams.add(stream);
    this.countStream(principal, +1);
    // Subscribe before reading the start, and read the head in the same tick: every later change is held
    // by the stream, every earlier one is in the snapshot or the replay.
    const defaultEnvironment = this.flags.defaultEnvironment;
    unsubscribe = this.flags.subscribe((event) => {
      if (eventAppliesTo(event, environment, defaultEnvironment)) stream.push(this.frame(event, environment, format));
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
      const snapshot = takeFlagSnapshot(this.flags, environment);
      stream.startWithSnapshot(snapshot.headSeq, format.snapshotEvent(snapshot));
      return;
    }
    try {
      const changes = await this.missed.read(start.afterSeq, headSeq, environment, defaultEnvironment);
      stream.startWithReplay(start.afterSeq, headSeq, changes.map(format.changeFrame));
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
  private frame(event: StoredEvent, environment: string, format: StreamFormat): FlagFrame {
    if (this.lastFramedSeq !== event.seq) {
      this.lastFrames.clear();
      this.lastFramedSeq = event.seq;
    }
    // NUL cannot occur in a format's name, so no two (format, environment) pairs share a key.
    const cacheKey = `${format.name}\0${environment}`;
    let frame = this.lastFrames.get(cacheKey);
    if (frame === undefined) {
      frame = format.changeFrame(toFlagChange(event, this.flags.get(event.streamId, environment)!));
      this.lastFrames.set(cacheKey, frame);
    }
    return frame;
  }

  /** Ends every stream before the HTTP server closes, which would otherwise wait for them forever. */
  beforeApplicationShutdown(): void {
    this.shuttingDown = true;
    for (const stream of [...this.streams]) stream.end('shutdown');
  }
}
