import { canonicalJson, sha256Hex } from '../shared/index.js';
import type { StoredEvent } from './event-store.js';

/**
 * The envelope's fields in the contract's order (docs/contract.md §3), and no others, without its hash:
 * what the hash covers, and (with the hash after it) an export's row, in one order whoever built the event.
 * An undefined `actorTokenId` stays undefined, so JSON drops it and an envelope without one is the v1 one.
 */
export function unhashedEnvelope(envelope: Omit<StoredEvent, 'hash'>): Omit<StoredEvent, 'hash'> {
  const { seq, streamId, version, type, schemaVersion, data, actor, actorTokenId } = envelope;
  const { reason, at, idempotencyKey, prevHash } = envelope;
  return {
    seq,
    streamId,
    version,
    type,
    schemaVersion,
    data,
    actor,
    actorTokenId,
    reason,
    at,
    idempotencyKey,
    prevHash,
  };
}

/**
 * hash = sha256(prevHash + canonicalJSON(envelope without hash)), hex (docs/contract.md §3). Canonical JSON
 * drops an undefined actorTokenId, so an envelope without one hashes as it did before the field existed.
 */
export function eventHash(envelope: Omit<StoredEvent, 'hash'>): string {
  return sha256Hex(envelope.prevHash + canonicalJson(unhashedEnvelope(envelope)));
}
