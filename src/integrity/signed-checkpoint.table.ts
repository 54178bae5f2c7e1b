import type { SignedCheckpoint } from './checkpoint-signature.js';

/** An Ed25519 signature over the chain head (seq, hash, at); append-only like the events. */
export interface SignedCheckpointTable {
  seq: number;
  hash: string;
  at: string;
  /** base64 Ed25519 signature of the canonical JSON {at, hash, seq} */
  signature: string;
  /** sha256 of the signer's public key (SPKI DER), hex, first 16 characters */
  key_id: string;
  signed_at: string;
}

export function toSignedCheckpoint(row: SignedCheckpointTable): SignedCheckpoint {
  return { seq: row.seq, hash: row.hash, at: row.at, signature: row.signature, keyId: row.key_id };
}
