import { command, createFlag } from './flags.js';
import type { TestApp } from './test-app.js';

/**
 * The flags the client-protocol suites (Unleash, OFREP) check other people's SDKs against: every shape a
 * flag can have, in production, and one enabled only in staging.
 */
export const LIVE_KEYS = ['off', 'killed', 'seg', 'seg-partial', 'r0', 'r1', 'r37', 'r99', 'r100', 'staging-only'];
/** The live keys, and keys no SDK may find: archived, unknown, non-ASCII. */
export const KEYS = [...LIVE_KEYS, 'archived', 'unknown-key', 'ключ-флага', 'フラグ'];
const SEGMENTS = [undefined, 'beta', 'enterprise', 'free', ''];

export async function createFlagsOfEveryShape(t: TestApp): Promise<void> {
  await createFlag(t, 'off');
  await createFlag(t, 'killed', { enabled: true, killSwitch: true });
  await createFlag(t, 'seg', { enabled: true, targetSegments: ['beta', 'enterprise'] });
  await createFlag(t, 'seg-partial', { enabled: true, rolloutPercentage: 37, targetSegments: ['beta'] });
  for (const n of [0, 1, 37, 99, 100]) await createFlag(t, `r${n}`, { enabled: true, rolloutPercentage: n });
  await createFlag(t, 'archived', { enabled: true });
  await command(t, 'post', '/v1/flags/archived/archive', { reason: 'gone' });
  await createFlag(t, 'staging-only');
  await command(t, 'post', '/v1/environments/staging/flags/staging-only/enable');
}

/** The i-th context: no userId, an empty one, ASCII, non-ASCII and emoji ids, each segment in turn. */
export function contextOf(i: number): { userId?: string; segment?: string } {
  const ids = [undefined, '', `user-${i}`, `José-${i}`, `ユーザー${i}`, `😀${i}`, `${i}`];
  const userId = ids[i % ids.length];
  const segment = SEGMENTS[Math.floor(i / ids.length) % SEGMENTS.length];
  return { ...(userId === undefined ? {} : { userId }), ...(segment === undefined ? {} : { segment }) };
}
