import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Hex } from '../shared/index.js';
import { DecisionLog, hashUserId } from './decision-log.js';

describe('DecisionLog', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flagledger-decisions-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const now = () => new Date('2026-11-25T12:00:00.000Z');
  const key = Buffer.from('a fixed key of 32 characters..!!');

  it('names the environment the decision was made in, when told', async () => {
    const path = join(dir, 'environment.ndjson');
    const log = new DecisionLog({ target: { kind: 'file', path }, sampleRate: 1 }, key, Math.random, now);
    log.record({ flagKey: 'checkout', enabled: false, reason: 'KILL_SWITCH', flagVersion: 2 }, {}, 'staging');
    await log.close();
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ flag: 'checkout', environment: 'staging' });
  });

  it('writes one line per decision with flag, version, result, reason, bucket and a hash of the user, never the id', async () => {
    const path = join(dir, 'all.ndjson');
    const log = new DecisionLog({ target: { kind: 'file', path }, sampleRate: 1 }, key, Math.random, now);
    log.record(
      { flagKey: 'new_payment_processor', enabled: true, reason: 'ROLLOUT_IN', bucket: 7, flagVersion: 3 },
      { userId: 'alice@example.com', segment: 'eu' },
    );
    log.record({ flagKey: 'ops.kill', enabled: false, reason: 'KILL_SWITCH', flagVersion: 9 }, {});
    await log.close();
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain('alice@example.com');
    expect(
      text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      {
        time: '2026-11-25T12:00:00.000Z',
        msg: 'decision',
        flag: 'new_payment_processor',
        flagVersion: 3,
        enabled: true,
        reason: 'ROLLOUT_IN',
        bucket: 7,
        userHash: 'db2ed607c0bc13ba', // hashUserId('alice@example.com', key)
        segment: 'eu',
      },
      {
        time: '2026-11-25T12:00:00.000Z',
        msg: 'decision',
        flag: 'ops.kill',
        flagVersion: 9,
        enabled: false,
        reason: 'KILL_SWITCH',
        userHash: null,
      },
    ]);
  });

  it('logs only the sampled share of decisions', async () => {
    const path = join(dir, 'sampled.ndjson');
    const draws = [0.05, 0.5, 0.09, 0.99];
    const log = new DecisionLog({ target: { kind: 'file', path }, sampleRate: 0.1 }, key, () => draws.shift()!, now);
    for (let i = 0; i < 4; i++)
      log.record({ flagKey: `f${i}`, enabled: false, reason: 'DISABLED', flagVersion: 1 }, {});
    await log.close();
    expect(
      readFileSync(path, 'utf8')
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).flag),
    ).toEqual(['f0', 'f2']);
  });

  it('hashes the same id the same way across runs, and different ids differently', () => {
    // Pinned vectors (HMAC-SHA256 under the key, first 16 hex; from openssl dgst -sha256 -hmac): two calls
    // in one process would agree even if the hash took a per-process salt, and then decisions about a
    // user would no longer correlate across restarts.
    expect(hashUserId('u-1', key)).toBe('9fbdd51e9c0cd85f');
    expect(hashUserId('alice@example.com', key)).toBe('db2ed607c0bc13ba');
    expect(hashUserId('u-1', key)).not.toBe(hashUserId('u-2', key));
    expect(hashUserId('u-1', key)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('cannot be confirmed by hashing a guessed id: the hash is keyed', () => {
    expect(hashUserId('u-1', key)).not.toBe(sha256Hex('u-1').slice(0, 16));
    const other = Buffer.from('another key, also long enough');
    expect(hashUserId('u-1', other)).toBe('3738c1eeb7680673');
    expect(hashUserId('alice@example.com', other)).not.toBe(hashUserId('alice@example.com', key));
  });
});
