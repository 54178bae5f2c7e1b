import type { KeyObject } from 'node:crypto';
import { eventHash, GENESIS_HASH, type StoredEvent } from '../event-store/index.js';
import { isValidCheckpointSignature, type SignedCheckpoint } from './checkpoint-signature.js';

export type VerifyResult =
  | { ok: true; events: number; headSeq: number; headHash: string; checkpoints: number }
  | { ok: false; firstBadSeq: number; reason: string };

export interface VerifyOptions {
  /** Signed checkpoints the events must still match. */
  checkpoints: readonly SignedCheckpoint[];
  /** Needed only when there are checkpoints to check. */
  publicKey?: KeyObject;
  /**
   * The whole log from seq 1 (database verify, unfiltered export): seqs must be contiguous from 1 and
   * every checkpoint must lie within it. A filtered export only has each row's own hash and the links
   * between rows whose seqs are consecutive.
   */
  complete: boolean;
}

/**
 * Recomputes the hash chain over events in seq order and checks them against signed checkpoints.
 * Pure (no database, no Nest): the server, the CLI and offline export verification share it. Reports
 * the first seq that is wrong, so an auditor knows where the log stops being trustworthy.
 */
export async function verifyChain(
  events: AsyncIterable<StoredEvent> | Iterable<StoredEvent>,
  options: VerifyOptions,
): Promise<VerifyResult> {
  const bySeq = new Map(options.checkpoints.map((c) => [c.seq, c]));
  const { publicKey } = options;
  if (options.checkpoints.length > 0 && publicKey === undefined)
    throw new Error('checking signed checkpoints needs the public key');
  const forged = options.checkpoints.filter((c) => !isValidCheckpointSignature(c, publicKey!)).map((c) => c.seq);
  const firstForged = forged.length > 0 ? Math.min(...forged) : Infinity;
  const fail = (seq: number, reason: string): VerifyResult =>
    seq <= firstForged ? { ok: false, firstBadSeq: seq, reason } : forgedResult(firstForged);

  let previous: StoredEvent | undefined;
  let count = 0;
  // Everything up to the last checkpoint that still matched is vouched for by a signature.
  let lastVouchedSeq = 0;
  for await (const event of events) {
    if (event.seq > firstForged) return forgedResult(firstForged);
    const expectedSeq = previous === undefined ? 1 : previous.seq + 1;
    if (options.complete && event.seq !== expectedSeq) {
      return fail(
        expectedSeq,
        event.seq > expectedSeq
          ? `seq ${expectedSeq} is missing (next is ${event.seq})`
          : `seq ${event.seq} is out of order after ${previous?.seq}`,
      );
    }
    if (!options.complete && previous !== undefined && event.seq <= previous.seq)
      return fail(event.seq, `seq ${event.seq} is out of order after ${previous.seq}`);
    const linked =
      previous === undefined
        ? event.seq === 1
          ? GENESIS_HASH
          : undefined
        : event.seq === previous.seq + 1
          ? previous.hash
          : undefined;
    if (linked !== undefined && event.prevHash !== linked)
      return fail(event.seq, `prevHash of seq ${event.seq} does not link to the hash of seq ${event.seq - 1}`);
    const { hash, ...unhashed } = event;
    if (eventHash(unhashed) !== hash) return fail(event.seq, `hash of seq ${event.seq} does not match its content`);
    const checkpoint = bySeq.get(event.seq);
    if (checkpoint !== undefined) {
      if (checkpoint.hash !== hash || checkpoint.at !== event.at) {
        return fail(
          lastVouchedSeq + 1,
          `seq ${event.seq} no longer matches its signed checkpoint: the log was rewritten somewhere in seq ${lastVouchedSeq + 1}–${event.seq} and the hashes recomputed`,
        );
      }
      lastVouchedSeq = event.seq;
    }
    previous = event;
    count++;
  }
  if (firstForged !== Infinity) return forgedResult(firstForged);
  const headSeq = previous?.seq ?? 0;
  if (options.complete) {
    const beyond = options.checkpoints.filter((c) => c.seq > headSeq).map((c) => c.seq);
    if (beyond.length > 0) {
      return {
        ok: false,
        firstBadSeq: headSeq + 1,
        reason: `log ends at seq ${headSeq} but checkpoint ${Math.max(...beyond)} was signed: it was truncated`,
      };
    }
  }
  return {
    ok: true,
    events: count,
    headSeq,
    headHash: previous?.hash ?? GENESIS_HASH,
    checkpoints: options.checkpoints.length,
  };
}

function forgedResult(seq: number): VerifyResult {
  return { ok: false, firstBadSeq: seq, reason: `signature of checkpoint ${seq} is not valid for the public key` };
}
