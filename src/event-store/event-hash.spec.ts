import { eventHash } from './event-hash.js';
import type { StoredEvent } from './event-store.js';

/**
 * Pinned against sha256 computed by hand over docs/contract.md §3's canonical JSON, not against this
 * code: a change to the hashed fields must not silently re-hash every log already written.
 */
const envelope: Omit<StoredEvent, 'hash'> = {
  seq: 7,
  streamId: 'checkout',
  version: 3,
  type: 'FlagEnabled',
  schemaVersion: 1,
  data: { from: false, to: true, environment: 'production' },
  actor: 'release-bot',
  reason: 'launch',
  at: '2026-03-01T09:30:00.000Z',
  idempotencyKey: null,
  prevHash: 'ab'.repeat(32),
};

describe('eventHash', () => {
  it('hashes an envelope without actorTokenId as every log before it was added', () => {
    expect(eventHash(envelope)).toBe('713f37c82d5675c62697eefe3b1de7b56a4fd05994128f089f758ea3dbea578b');
    expect(eventHash({ ...envelope, actorTokenId: undefined })).toBe(eventHash(envelope));
  });

  it('covers actorTokenId when the envelope has one, so it cannot be added, changed or removed unseen', () => {
    expect(eventHash({ ...envelope, actorTokenId: 'tok_abc' })).toBe(
      'c22fbf42d960fe63d9009b8fe8475b12da779a5d26e0b0d1fe8423b6d8fc78f9',
    );
  });
});
