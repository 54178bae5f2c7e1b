import { jest } from '@jest/globals';
import type { FlagState } from '../flags/index.js';
import { DEFAULT_DELIVERY_OPTIONS } from './delivery-options.js';
import { flagFrame, type FlagFrame } from './flag-change.js';
import { FlagStream, type EventSink, type FlagStreamEnd } from './flag-stream.js';
import { FLAGLEDGER_STREAM_FORMAT } from './stream-format.js';

/** A response that keeps what was written, and a buffer that fills as a slow client would leave it. */
class FakeSink implements EventSink {
  readonly chunks: string[] = [];
  writableLength = 0;
  state: 'open' | 'ended' | 'destroyed' = 'open';
  constructor(private readonly drains = true) {}
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    if (!this.drains) this.writableLength += Buffer.byteLength(chunk);
    return this.drains;
  }
  end(): void {
    this.state = 'ended';
  }
  destroy(): void {
    this.state = 'destroyed';
  }
  get ids(): number[] {
    return this.chunks.filter((c) => c.startsWith('id: ')).map((c) => Number(/^id: (\d+)/.exec(c)![1]));
  }
}

const snapshotEvent = (headSeq: number): string => FLAGLEDGER_STREAM_FORMAT.snapshotEvent({ headSeq, flags: [] });

const change = (seq: number, description = ''): FlagFrame =>
  flagFrame({
    seq,
    key: 'checkout',
    type: 'FlagEnabled',
    flag: { key: 'checkout', version: seq, description } as FlagState,
  });

function open(sink: FakeSink, options = DEFAULT_DELIVERY_OPTIONS): { stream: FlagStream; ends: FlagStreamEnd[] } {
  const ends: FlagStreamEnd[] = [];
  return { stream: new FlagStream(sink, options, (reason) => ends.push(reason)), ends };
}

describe('FlagStream', () => {
  it('holds live changes until the start is sent, then sends those after it once each, in order', () => {
    const sink = new FakeSink();
    const { stream } = open(sink);
    stream.push(change(11));
    stream.push(change(12));
    expect(sink.chunks).toEqual([]);
    stream.startWithReplay(8, 11, [change(9), change(10), change(11)]);
    stream.push(change(12));
    stream.push(change(13));
    expect(sink.ids).toEqual([9, 10, 11, 12, 13]);
    stream.end('client-gone');
  });

  it('sends the snapshot first and only the changes after its headSeq', () => {
    const sink = new FakeSink();
    const { stream } = open(sink);
    stream.push(change(5));
    stream.push(change(6));
    stream.startWithSnapshot(5, snapshotEvent(5));
    expect(sink.chunks[0]).toBe('id: 5\nevent: snapshot\ndata: {"headSeq":5,"flags":[]}\n\n');
    expect(sink.ids).toEqual([5, 6]);
    stream.end('client-gone');
  });

  it('disconnects a client whose unsent output grows beyond maxBufferedBytes instead of buffering it', () => {
    const sink = new FakeSink(false);
    const { stream, ends } = open(sink, { ...DEFAULT_DELIVERY_OPTIONS, maxBufferedBytes: 10_000 });
    stream.startWithSnapshot(0, snapshotEvent(0));
    for (let seq = 1; seq <= 100; seq++) stream.push(change(seq, 'x'.repeat(1000)));
    expect(sink.state).toBe('destroyed');
    expect(ends).toEqual(['too-slow']);
    // It stopped writing as soon as the limit was crossed.
    expect(sink.ids.at(-1)).toBeLessThan(12);
  });

  it('ends gracefully on shutdown and writes nothing after it ended', () => {
    const sink = new FakeSink();
    const { stream, ends } = open(sink);
    stream.startWithSnapshot(0, snapshotEvent(0));
    stream.end('shutdown');
    stream.end('client-gone');
    stream.push(change(1));
    expect(sink.state).toBe('ended');
    expect(ends).toEqual(['shutdown']);
    expect(sink.ids).toEqual([0]);
  });

  it('tells onSent the seq the client holds: after the start, each change sent, and at each heartbeat', () => {
    jest.useFakeTimers();
    try {
      const sink = new FakeSink();
      const sent: number[] = [];
      const stream = new FlagStream(
        sink,
        { ...DEFAULT_DELIVERY_OPTIONS, heartbeatMs: 1000 },
        () => {},
        (seq) => sent.push(seq),
      );
      stream.push(change(6));
      jest.advanceTimersByTime(1000);
      expect(sent).toEqual([]);
      stream.startWithSnapshot(5, snapshotEvent(5));
      stream.push(change(7));
      stream.push(change(7));
      jest.advanceTimersByTime(1000);
      stream.end('client-gone');
      jest.advanceTimersByTime(1000);
      stream.push(change(8));
      expect(sent).toEqual([5, 6, 7, 7]);
    } finally {
      jest.useRealTimers();
    }
  });
});
