import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The Ed25519 key that signs checkpoints. Auditors need only the public half. */
export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** First 16 hex characters of sha256(SPKI DER): names the key in every checkpoint. */
  keyId: string;
  publicKeyPem: string;
  /** Where the key came from, for the start-up log line. */
  source: 'env' | 'file-existing' | 'file-generated';
}

export const SIGNING_KEY = Symbol('SIGNING_KEY');
export const SIGNING_KEY_FILE = 'signing-key.pem';

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

/** Accepts an SPKI PEM, or the base64 of its DER, as auditors may be handed either. */
export function parsePublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  const key = trimmed.startsWith('-----BEGIN')
    ? createPublicKey(trimmed)
    : createPublicKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`public key is ${key.asymmetricKeyType}, not Ed25519`);
  return key;
}

function fromPrivateKey(privateKey: KeyObject, source: SigningKey['source']): SigningKey {
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new Error(`FLAGLEDGER_SIGNING_KEY is ${privateKey.asymmetricKeyType}, not Ed25519`);
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKey,
    keyId: keyIdOf(publicKey),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    source,
  };
}

/** FLAGLEDGER_SIGNING_KEY: a PKCS#8 PEM (literal "\n" allowed, as env files often hold it) or base64 PKCS#8 DER. */
export function parsePrivateKey(text: string): KeyObject {
  const trimmed = text.trim().replace(/\\n/g, '\n');
  return trimmed.startsWith('-----BEGIN')
    ? createPrivateKey(trimmed)
    : createPrivateKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'pkcs8' });
}

/**
 * The configured key, else the one generated once into the data directory (mode 0600). Generating it
 * again would orphan every earlier checkpoint, so an existing file is always reused.
 */
export function loadOrCreateSigningKey(configured: string, dataDir: null): SigningKey;
export function loadOrCreateSigningKey(configured: string | null, dataDir: string): SigningKey;
export function loadOrCreateSigningKey(configured: string | null, dataDir: string | null): SigningKey {
  if (configured !== null) return fromPrivateKey(parsePrivateKey(configured), 'env');
  if (dataDir === null) throw new Error('no signing key configured and no data directory to keep one in');
  const path = join(dataDir, SIGNING_KEY_FILE);
  if (existsSync(path)) return fromPrivateKey(createPrivateKey(readFileSync(path, 'utf8')), 'file-existing');
  mkdirSync(dataDir, { recursive: true });
  const { privateKey } = generateKeyPairSync('ed25519');
  writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  return fromPrivateKey(privateKey, 'file-generated');
}
