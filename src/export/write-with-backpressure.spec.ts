import { EventEmitter } from 'node:events';
import { writeWithBackpressure, type TextSink } from './write-with-backpressure.js';

/** A sink whose buffer is "full" after every `capacity` writes until drain() is called. */
class FakeSink extends EventEmitter implements TextSink {
  readonly chunks: string[] = [];
  destroyed = false;
  writableEnded = false;
  private sinceDrain = 0;

  constructor(private readonly capacity: number) {
    super();
  }

  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return ++this.sinceDrain < this.capacity;
  }

  end(): void {
    this.writableEnded = true;
  }

  destroy(): void {
    this.destroyed = true;
    this.emit('close');
  }

  drain(): void {
    this.sinceDrain = 0;
    this.emit('drain');
  }

  disconnect(): void {
    this.destroyed = true;
    this.emit('close');
  }
}

/** Counts how many pieces were pulled and whether the source was closed. */
function source(total: number) {
  const state = { pulled: 0, closed: false };
  async function* pieces(): AsyncGenerator<string> {
    try {
      for (let i = 0; i < total; i++) {
        state.pulled++;
        yield `row ${i}\n`;
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, pieces: pieces() };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('writeWithBackpressure', () => {
  it('writes every piece in order and ends the response', async () => {
    const sink = new FakeSink(Infinity);
    const { pieces } = source(1000);
    await expect(writeWithBackpressure(sink, pieces, { batchChars: 100 })).resolves.toBe('completed');
    expect(sink.chunks.join('')).toBe(Array.from({ length: 1000 }, (_, i) => `row ${i}\n`).join(''));
    expect(sink.writableEnded).toBe(true);
  });

  it('stops pulling while the sink is full and resumes on drain', async () => {
    const sink = new FakeSink(2);
    const { state, pieces } = source(1000);
    const done = writeWithBackpressure(sink, pieces, { batchChars: 1 });
    await tick();
    expect(state.pulled).toBe(2);
    await tick();
    expect(state.pulled).toBe(2);
    sink.drain();
    await tick();
    expect(state.pulled).toBe(4);
    while (!sink.writableEnded) {
      sink.drain();
      await tick();
    }
    await expect(done).resolves.toBe('completed');
    expect(state.pulled).toBe(1000);
  });

  it('stops pulling and closes the source when the client disconnects while waiting for drain', async () => {
    const sink = new FakeSink(1);
    const { state, pieces } = source(1000);
    const done = writeWithBackpressure(sink, pieces, { batchChars: 1 });
    await tick();
    sink.disconnect();
    await expect(done).resolves.toBe('client-gone');
    expect(state).toEqual({ pulled: 1, closed: true });
    expect(sink.writableEnded).toBe(false);
  });

  it('stops pulling and closes the source when the client is gone before the next write', async () => {
    const sink = new FakeSink(Infinity);
    sink.destroyed = true;
    const { state, pieces } = source(1000);
    await expect(writeWithBackpressure(sink, pieces, { batchChars: 1 })).resolves.toBe('client-gone');
    expect(state).toEqual({ pulled: 1, closed: true });
  });

  it('destroys the response and closes the source when the client stops reading for too long', async () => {
    const sink = new FakeSink(1);
    const { state, pieces } = source(1000);
    await expect(writeWithBackpressure(sink, pieces, { batchChars: 1, stallTimeoutMs: 20 })).resolves.toBe('stalled');
    expect(sink.destroyed).toBe(true);
    expect(state).toEqual({ pulled: 1, closed: true });
  });

  it('propagates an error from the source without ending the response', async () => {
    const sink = new FakeSink(Infinity);
    async function* failing(): AsyncGenerator<string> {
      yield 'first\n';
      throw new Error('disk on fire');
    }
    await expect(writeWithBackpressure(sink, failing(), { batchChars: 1 })).rejects.toThrow('disk on fire');
    expect(sink.writableEnded).toBe(false);
  });
});
