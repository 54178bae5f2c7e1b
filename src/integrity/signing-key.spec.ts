import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isValidCheckpointSignature, signChainPoint } from './checkpoint-signature.js';
import { loadOrCreateSigningKey, parsePublicKey, SIGNING_KEY_FILE } from './signing-key.js';

describe('signing key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flagledger-key-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('generates a key once into the data directory, readable by its owner only, and reuses it', () => {
    const first = loadOrCreateSigningKey(null, dir);
    const second = loadOrCreateSigningKey(null, dir);
    expect(first.source).toBe('file-generated');
    expect(second).toMatchObject({ source: 'file-existing', keyId: first.keyId });
    expect(statSync(join(dir, SIGNING_KEY_FILE)).mode & 0o777).toBe(0o600);
  });

  it('takes FLAGLEDGER_SIGNING_KEY as PEM with escaped newlines or as base64 DER', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const der = privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');
    const fromPem = loadOrCreateSigningKey(pem.replace(/\n/g, '\\n'), dir);
    expect(fromPem.source).toBe('env');
    expect(loadOrCreateSigningKey(der, dir).keyId).toBe(fromPem.keyId);
  });

  it('refuses a key that is not Ed25519', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expect(() => loadOrCreateSigningKey(rsa, dir)).toThrow(/not Ed25519/);
  });

  it('signs chain points that verify with the public half only, and not once altered', () => {
    const key = loadOrCreateSigningKey(null, dir);
    const point = { seq: 1000, hash: 'a'.repeat(64), at: '2026-11-25T12:00:00.000Z' };
    const checkpoint = { ...point, signature: signChainPoint(point, key.privateKey), keyId: key.keyId };
    const publicKey = parsePublicKey(key.publicKeyPem);
    expect(isValidCheckpointSignature(checkpoint, publicKey)).toBe(true);
    expect(isValidCheckpointSignature({ ...checkpoint, seq: 1001 }, publicKey)).toBe(false);
    expect(isValidCheckpointSignature({ ...checkpoint, signature: 'not base64 at all' }, publicKey)).toBe(false);
  });
});
