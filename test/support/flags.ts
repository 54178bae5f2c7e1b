// Jest's expect imported, not global: bench/ compiles the test kit without Jest's global types.
import { expect } from '@jest/globals';
import type { StoredEvent } from '../../src/event-store/event-store.js';
import type { FlagState } from '../../src/flags/flag-state.js';
import type { RoleAgent } from './http.js';
import type { RoleName } from './tokens.js';

/** What the flag helpers need of a running app: TestApp is one. */
export interface FlagApi {
  as: (role: RoleName) => RoleAgent;
}

/** What a committed flag command answers: the flag's state after it and the event it appended. */
export interface CommandAnswer {
  flag: FlagState;
  event: StoredEvent;
}

/**
 * Sends a flag command as `role` (default editor) and insists it committed: 201 for a create (POST
 * /v1/flags), 200 for any other command, with an event (not an idempotent no-op). Answers the body.
 */
export async function command(
  t: FlagApi,
  method: 'post' | 'put' | 'patch',
  path: string,
  body: object = {},
  role: RoleName = 'editor',
): Promise<CommandAnswer> {
  const res = await t.as(role)[method](path).send(body);
  const status = method === 'post' && path === '/v1/flags' ? 201 : 200;
  if (res.status !== status)
    throw new Error(`${method.toUpperCase()} ${path}: expected ${status}, got ${res.status} ${res.text}`);
  expect(res.body.event).not.toBeNull();
  return res.body as CommandAnswer;
}

/** Creates releaseFlag(key, overrides) as `role` (default editor); see command. */
export function createFlag(
  t: FlagApi,
  key: string,
  overrides: Record<string, unknown> = {},
  role: RoleName = 'editor',
): Promise<CommandAnswer> {
  return command(t, 'post', '/v1/flags', releaseFlag(key, overrides), role);
}

/** A valid create body; override what the test is about. */
export function releaseFlag(
  key = 'new_payment_processor',
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return { key, type: 'release', owner: 'payments-team', expiresAt: '2027-03-01T00:00:00.000Z', ...overrides };
}

/**
 * A live flag read without its usage fields (lastEvaluatedAt, evaluations): the flag's state alone, to
 * compare with states from commands, time travel or the snapshot, which carry no telemetry.
 */
export function stateOf<T extends object>(flag: T): Omit<T, 'lastEvaluatedAt' | 'evaluations'> {
  const {
    lastEvaluatedAt: _last,
    evaluations: _evaluations,
    ...state
  } = flag as T & { lastEvaluatedAt?: unknown; evaluations?: unknown };
  return state;
}
