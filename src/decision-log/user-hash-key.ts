import { createHmac, type KeyObject } from 'node:crypto';

/** Names what the derived key is for, so it can never equal a key derived from the same secret for another use. */
const PURPOSE = 'flagledger decision-log user hash';

/**
 * The key of the decision log's user hash: FLAGLEDGER_DECISION_LOG_HASH_KEY when set, else
 * HMAC-SHA256(signing key's PKCS#8 bytes, PURPOSE). Derived, not random, so it stays the same across
 * restarts and on every instance that shares the signing key, and so do the hashes; and it is as secret
 * as the signing key, which a reader of the logs does not have.
 */
export function userHashKey(configured: string | undefined, signingKey: KeyObject): Buffer {
  if (configured !== undefined) return Buffer.from(configured, 'utf8');
  return createHmac('sha256', signingKey.export({ type: 'pkcs8', format: 'der' }))
    .update(PURPOSE, 'utf8')
    .digest();
}
