import * as crypto from 'node:crypto';

/** Node ≥ 20.12's one-shot hash: no Hash object per call (the token guard hashes every request's token). */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

export const sha256Hex: (text: string) => string =
  oneShot !== undefined ? (text) => oneShot('sha256', text, 'hex') : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');
