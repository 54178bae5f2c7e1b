/** The part of an HTTP response (or any writable) the export writes to. */
export interface TextSink {
  write(chunk: string): boolean;
  end(): unknown;
  destroy(): unknown;
  readonly destroyed: boolean;
  readonly writableEnded: boolean;
  on(event: 'drain' | 'close', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
}

export type WriteOutcome = 'completed' | 'client-gone' | 'stalled';

export interface WriteOptions {
  /** Pieces are joined up to about this many characters per write: fewer, larger chunks on the wire. */
  batchChars?: number;
  /**
   * A client that stays connected but stops reading would keep the read cursor, and its snapshot, open
   * forever (in WAL mode that also stops checkpoints from shrinking the log file). After this long
   * without 'drain' the response is destroyed.
   */
  stallTimeoutMs?: number;
}

const DEFAULT_BATCH_CHARS = 64 * 1024;
const DEFAULT_STALL_TIMEOUT_MS = 60_000;

/**
 * Writes `pieces` to `sink` at the client's pace: when write() reports a full buffer it waits for
 * 'drain' before pulling the next piece, so memory stays flat however much there is to send. If the
 * client goes away it stops pulling and return()s the iterator (closing whatever it reads from).
 * Errors from `pieces` propagate; the caller decides how to fail the response.
 */
export async function writeWithBackpressure(
  sink: TextSink,
  pieces: AsyncIterable<string>,
  options: WriteOptions = {},
): Promise<WriteOutcome> {
  const batchChars = options.batchChars ?? DEFAULT_BATCH_CHARS;
  const stallTimeoutMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  let pending = '';
  // Leaving this loop early (return) calls the iterator's return(): the cursor is released.
  for await (const piece of pieces) {
    pending += piece;
    if (pending.length < batchChars) continue;
    const outcome = await write(sink, pending, stallTimeoutMs);
    if (outcome !== 'completed') return outcome;
    pending = '';
  }
  if (pending !== '') {
    const outcome = await write(sink, pending, stallTimeoutMs);
    if (outcome !== 'completed') return outcome;
  }
  if (isGone(sink)) return 'client-gone';
  sink.end();
  return 'completed';
}

function isGone(sink: TextSink): boolean {
  return sink.destroyed || sink.writableEnded;
}

async function write(sink: TextSink, text: string, stallTimeoutMs: number): Promise<WriteOutcome> {
  if (isGone(sink)) return 'client-gone';
  if (sink.write(text)) return 'completed';
  return drained(sink, stallTimeoutMs);
}

function drained(sink: TextSink, stallTimeoutMs: number): Promise<WriteOutcome> {
  return new Promise((resolve) => {
    const settle = (outcome: WriteOutcome) => {
      clearTimeout(timer);
      sink.off('drain', onDrain);
      sink.off('close', onClose);
      resolve(outcome);
    };
    const onDrain = () => settle('completed');
    const onClose = () => settle('client-gone');
    const timer = setTimeout(() => {
      settle('stalled');
      sink.destroy();
    }, stallTimeoutMs);
    sink.on('drain', onDrain);
    sink.on('close', onClose);
  });
}
