import { canonicalJson, sha256Hex } from '../shared/index.js';
import type { StoredEvent } from './event-store.js';

/**
 * hash = sha256(prevHash + canonicalJSON(envelope without hash)), hex (docs/contract.md §3). Canonical JSON
 * drops an undefined actorTokenId, so an envelope without one hashes as it did before the field existed.
 */
export function eventHash(envelope: Omit<StoredEvent, 'hash'>): string {
  const {
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
  } = envelope;
  const unhashed = {
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
  return sha256Hex(prevHash + canonicalJson(unhashed));
}
