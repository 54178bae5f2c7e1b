import { canonicalJson } from '../shared/index.js';
import { eventHash } from './event-hash.js';
import type {
  AppendContext,
  ChainHead,
  IdempotencyClaim,
  NewEvent,
  RecordedResponse,
  StoredEvent,
  StoredIdempotentResponse,
  StreamAppend,
} from './event-store.js';
import type { IdempotencyRecordTable } from './event.table.js';

/**
 * The envelopes of `events` appended to `streamId` after `head`: seq head + 1 onwards, versions after
 * `fromVersion`, each hash chained to the one before (docs/contract.md §3). Pure: every store computes the same
 * chain from the same head, so the log verifies whichever database wrote it.
 */
export function chainEvents(
  head: ChainHead,
  streamId: string,
  fromVersion: number,
  events: readonly NewEvent[],
  context: AppendContext,
  now: Date,
): StoredEvent[] {
  // Never let time run backwards along the log: asOf reads rely on `at` growing with seq.
  const clockAt = now.toISOString();
  const at = head.at !== null && head.at > clockAt ? head.at : clockAt;
  const stored: StoredEvent[] = [];
  let prevHash = head.hash;
  events.forEach((event, i) => {
    const unhashed = {
      seq: head.seq + 1 + i,
      streamId,
      version: fromVersion + 1 + i,
      type: event.type,
      schemaVersion: event.schemaVersion,
      // Normalised through canonical JSON so what we hash is exactly what we store and read back.
      data: JSON.parse(canonicalJson(event.data)) as unknown,
      actor: context.actor,
      actorTokenId: context.actorTokenId,
      reason: context.reason,
      at,
      idempotencyKey: context.idempotency?.key ?? null,
      prevHash,
    };
    const hash = eventHash(unhashed);
    stored.push({ ...unhashed, hash });
    prevHash = hash;
  });
  return stored;
}

/** One stream's share of a multi-stream append, with the version its stream was found at. */
export interface CheckedStreamAppend {
  streamId: string;
  fromVersion: number;
  events: readonly NewEvent[];
}

/**
 * The envelopes of several streams' events appended together after `head`: each stream's chained in the
 * order given, from where the one before left the chain, so their seqs are consecutive and the log
 * reads as one append. One `now` for all of them, so every event of the unit carries the same `at`.
 */
export function chainAppends(
  head: ChainHead,
  appends: readonly CheckedStreamAppend[],
  context: AppendContext,
  now: Date,
): StoredEvent[] {
  const stored: StoredEvent[] = [];
  let current = head;
  for (const { streamId, fromVersion, events } of appends) {
    const chained = chainEvents(current, streamId, fromVersion, events, context, now);
    const last = chained[chained.length - 1];
    if (last !== undefined) current = { seq: last.seq, hash: last.hash, at: last.at };
    stored.push(...chained);
  }
  return stored;
}

/**
 * Refuses an append that names no stream or one stream twice: a caller's bug, not a conflict. Twice
 * would need one expected version to hold before and after the same unit's own events.
 */
export function assertAppendable(appends: readonly StreamAppend[]): void {
  if (appends.length === 0) throw new Error('an append needs at least one stream');
  const seen = new Set<string>();
  for (const { streamId } of appends) {
    if (seen.has(streamId)) throw new Error(`stream '${streamId}' appears twice in one append`);
    seen.add(streamId);
  }
}

/** The row that records a claimed idempotency key with the response its retries get back. */
export function idempotencyRecord(
  claim: IdempotencyClaim,
  response: RecordedResponse,
  now: Date,
): IdempotencyRecordTable {
  return {
    scope: claim.scope,
    key: claim.key,
    fingerprint: claim.fingerprint,
    status: response.status,
    body: JSON.stringify(response.body),
    created_at: now.toISOString(),
  };
}

export function toStoredIdempotentResponse(
  row: Pick<IdempotencyRecordTable, 'fingerprint' | 'status' | 'body'>,
): StoredIdempotentResponse {
  return { fingerprint: row.fingerprint, response: { status: row.status, body: JSON.parse(row.body) as unknown } };
}
