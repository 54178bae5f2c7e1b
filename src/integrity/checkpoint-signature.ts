import { sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../shared/index.js';

/** What a checkpoint vouches for: the chain head at one seq. */
export interface ChainPoint {
  seq: number;
  hash: string;
  at: string;
}

export interface SignedCheckpoint extends ChainPoint {
  /** base64 Ed25519 signature over canonicalJSON({at, hash, seq}) */
  signature: string;
  keyId: string;
}

function payload(point: ChainPoint): Buffer {
  return Buffer.from(canonicalJson({ seq: point.seq, hash: point.hash, at: point.at }), 'utf8');
}

export function signChainPoint(point: ChainPoint, privateKey: KeyObject): string {
  return sign(null, payload(point), privateKey).toString('base64');
}

export function isValidCheckpointSignature(checkpoint: SignedCheckpoint, publicKey: KeyObject): boolean {
  try {
    return verify(null, payload(checkpoint), publicKey, Buffer.from(checkpoint.signature, 'base64'));
  } catch {
    return false;
  }
}
