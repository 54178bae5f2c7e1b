import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { hashUserId } from './decision-log.js';
import { userHashKey } from './user-hash-key.js';

describe('userHashKey', () => {
  // RFC 8410 §10.3's example Ed25519 key.
  const signingKey = createPrivateKey(
    '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n-----END PRIVATE KEY-----\n',
  );

  it('is FLAGLEDGER_DECISION_LOG_HASH_KEY when set, whatever the signing key', () => {
    expect(userHashKey('a fixed key of 32 characters..!!', signingKey)).toEqual(
      Buffer.from('a fixed key of 32 characters..!!'),
    );
  });

  it('is otherwise derived from the signing key, the same on every start and every instance sharing it', () => {
    // HMAC-SHA256(PKCS#8 DER, 'flagledger decision-log user hash'), computed with openssl.
    expect(userHashKey(undefined, signingKey).toString('hex')).toBe(
      'fe83d7e9b794836a511a6c24f2ef228c4e7e5fdba6862b8a954f4dc5724c7270',
    );
    expect(hashUserId('u-1', userHashKey(undefined, signingKey))).toBe('0ccca7d263034239');
  });

  it('differs between signing keys, and from the signing key itself', () => {
    const other = generateKeyPairSync('ed25519').privateKey;
    expect(userHashKey(undefined, other)).not.toEqual(userHashKey(undefined, signingKey));
    expect(userHashKey(undefined, signingKey)).not.toEqual(signingKey.export({ type: 'pkcs8', format: 'der' }));
  });
});
