import murmurhash from 'murmurhash';

/*
 * Unleash (through murmurhash3js) hashes the low byte of each UTF-16 code unit, not UTF-8, so we feed
 * murmurhash's v3 exactly those bytes. Encoding into one reused buffer, with one cached view per length,
 * makes a bucket cost one hash and no allocation. The buffer starts with `${flagKey}:`; a call for the same
 * key as the previous one (the common case: one flag asked about many users) only writes the user id.
 */
let buffer = new Uint8Array(256);
let views: Uint8Array[] = [];
/** The key whose bytes and ':' the buffer starts with; undefined when it holds none (a new buffer). */
let keyInBuffer: string | undefined;

function viewOfLength(length: number): Uint8Array {
  if (length > buffer.length) {
    buffer = new Uint8Array(Math.max(length, buffer.length * 2));
    views = [];
    keyInBuffer = undefined;
  }
  let view = views[length];
  if (view === undefined) {
    view = buffer.subarray(0, length);
    views[length] = view;
  }
  return view;
}

function writeLowBytes(target: Uint8Array, offset: number, text: string): void {
  for (let i = 0; i < text.length; i++) target[offset + i] = text.charCodeAt(i) & 0xff;
}

/** murmurhash3_x86_32 of `${flagKey}:${userId}` with seed 0, over the low byte of each UTF-16 unit. */
export function rolloutHash(flagKey: string, userId: string): number {
  const length = flagKey.length + 1 + userId.length;
  const bytes = viewOfLength(length);
  if (flagKey !== keyInBuffer) {
    writeLowBytes(buffer, 0, flagKey);
    buffer[flagKey.length] = 0x3a; // ':'
    keyInBuffer = flagKey;
  }
  writeLowBytes(buffer, flagKey.length + 1, userId);
  return murmurhash.v3(bytes, 0);
}

/** 1–100; equal to Unleash's normalizedValue(userId, flagKey) for its flexibleRollout with groupId = key. */
export function rolloutBucket(flagKey: string, userId: string): number {
  return (rolloutHash(flagKey, userId) % 100) + 1;
}
