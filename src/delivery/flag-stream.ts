import type { DeliveryOptions } from './delivery-options.js';
import type { FlagFrame } from './flag-change.js';
import { SSE_HEARTBEAT } from './server-sent-events.js';

/** The part of an HTTP response a stream writes to. */
export interface EventSink {
  write(chunk: string): boolean;
  end(): unknown;
  destroy(): unknown;
  /** Bytes accepted by write() but not yet handed to the socket. */
  readonly writableLength: number;
}

/** Why a stream ended: the client left, could not keep up, the server is stopping, or the start failed. */
export type FlagStreamEnd = 'client-gone' | 'too-slow' | 'shutdown' | 'failed';

/**
 * One client's change stream. Live changes arrive from the moment it exists, before its start (a snapshot,
 * or the replay of what the client missed) has been read; they are held back until the start is sent, then
 * sent in seq order, skipping every seq the start already covered. So a client sees each seq after its
 * starting point exactly once, with no gap, whatever commits while it connects.
 */
export class FlagStream {
  /** Live changes that arrived before the start was sent; undefined once live. */
  private held: FlagFrame[] | undefined = [];
  /** The last seq the client has, once the start is sent. */
  private sentSeq = 0;
  private readonly heartbeat: NodeJS.Timeout;
  private ended: FlagStreamEnd | undefined;

  /**
   * `onSent` hears the last seq the client was sent, after the start, after each change and at each
   * heartbeat (so a client of a quiet log is still seen): what a client that reports nothing holds.
   */
  constructor(
    private readonly sink: EventSink,
    private readonly options: DeliveryOptions,
    private readonly onEnd: (reason: FlagStreamEnd) => void,
    private readonly onSent: (seq: number) => void = () => {},
  ) {
    this.heartbeat = setInterval(() => {
      this.write(SSE_HEARTBEAT);
      if (this.held === undefined && this.ended === undefined) this.onSent(this.sentSeq);
    }, options.heartbeatMs);
    // A stream alone must not keep the process alive; shutdown ends every stream anyway.
    this.heartbeat.unref();
  }

  /** A committed change from the live projection, in seq order. */
  push(frame: FlagFrame): void {
    if (this.ended !== undefined) return;
    if (this.held !== undefined) this.held.push(frame);
    else this.send(frame);
  }

  /** Starts with the whole state at `headSeq`, framed as `event`; then everything after headSeq. */
  startWithSnapshot(headSeq: number, event: string): void {
    this.write(event);
    this.goLive(headSeq);
  }

  /** Starts with the changes the client missed after `afterSeq`, read up to `untilSeq`; then everything after. */
  startWithReplay(afterSeq: number, untilSeq: number, frames: readonly FlagFrame[]): void {
    this.sentSeq = afterSeq;
    for (const frame of frames) this.send(frame);
    this.goLive(untilSeq);
  }

  end(reason: FlagStreamEnd): void {
    if (this.ended !== undefined) return;
    this.ended = reason;
    clearInterval(this.heartbeat);
    this.held = undefined;
    // A graceful end lets the client reconnect at once; a cut one (too slow, failed) must not look complete.
    if (reason === 'shutdown') this.sink.end();
    else this.sink.destroy();
    this.onEnd(reason);
  }

  private goLive(coveredSeq: number): void {
    const held = this.held ?? [];
    this.held = undefined;
    this.sentSeq = Math.max(this.sentSeq, coveredSeq);
    if (this.ended === undefined) this.onSent(this.sentSeq);
    for (const frame of held) this.send(frame);
  }

  private send(frame: FlagFrame): void {
    if (frame.seq <= this.sentSeq) return;
    this.sentSeq = frame.seq;
    this.write(frame.text);
    if (this.ended === undefined) this.onSent(frame.seq);
  }

  private write(text: string): void {
    if (this.ended !== undefined) return;
    this.sink.write(text);
    if (this.sink.writableLength > this.options.maxBufferedBytes) this.end('too-slow');
  }
}
