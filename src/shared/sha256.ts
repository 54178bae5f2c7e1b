import { hash } from 'node:crypto';

/** One-shot (Node ≥ 20.12): no Hash object per call; the token guard hashes every request's token. */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}
