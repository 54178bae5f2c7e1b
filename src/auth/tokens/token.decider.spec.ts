import { evolveToken, type IssuedToken } from './issued-token.js';
import { decideToken, type TokenCommand } from './token.decider.js';
import type { TokenEvent } from './token.events.js';

const NOW = new Date('2026-12-01T10:00:00.000Z');
const world = {
  liveNames: new Set(['root', 'checkout-service']),
  environments: new Set(['production', 'staging', 'qa']),
  now: NOW,
};
const issue = (overrides: Partial<Extract<TokenCommand, { kind: 'issue' }>> = {}): TokenCommand => ({
  kind: 'issue',
  id: 'tok_1',
  name: 'billing-service',
  role: 'evaluator',
  environments: null,
  secretHash: 'a'.repeat(64),
  expiresAt: null,
  ...overrides,
});
const issued: TokenEvent = {
  type: 'TokenIssued',
  data: {
    id: 'tok_1',
    name: 'billing-service',
    role: 'evaluator',
    environments: null,
    secretHash: 'a'.repeat(64),
    expiresAt: null,
  },
};

/** given (events) / when (command) / then (events or error), no database. */
function given(...events: TokenEvent[]) {
  const state = events.reduce<IssuedToken | undefined>(
    (current, event, i) => evolveToken(current, event, { actor: 'root', at: NOW.toISOString(), version: i + 1 }),
    undefined,
  );
  return {
    when: (command: TokenCommand) => ({
      then: (expected: TokenEvent[]) => expect(decideToken(command, state, world)).toEqual(expected),
      thenFails: (code: string, field?: string) =>
        expect(() => decideToken(command, state, world)).toThrow(
          expect.objectContaining({ code, ...(field ? { errors: [expect.objectContaining({ field })] } : {}) }),
        ),
    }),
  };
}

describe('token decider', () => {
  it('issues an unscoped token under a free name', () => {
    given().when(issue()).then([issued]);
  });

  it('records a scope sorted and without repeats, whatever order it was asked in', () => {
    given()
      .when(issue({ environments: ['staging', 'production', 'staging'] }))
      .then([{ ...issued, data: { ...issued.data, environments: ['production', 'staging'] } } as TokenEvent]);
  });

  it('refuses a scope naming an environment that does not exist, naming its place in the list', () => {
    given()
      .when(issue({ environments: ['staging', 'prod'] }))
      .thenFails('ENVIRONMENT_NOT_FOUND', 'environments[1]');
  });

  it('refuses a name a live token holds, configured tokens included', () => {
    given()
      .when(issue({ name: 'root' }))
      .thenFails('TOKEN_NAME_TAKEN', 'name');
  });

  it('refuses an expiry that is not in the future', () => {
    given()
      .when(issue({ expiresAt: NOW.toISOString() }))
      .thenFails('VALIDATION_FAILED', 'expiresAt');
  });

  it('rotates: the previous secret stays valid for the grace period', () => {
    given(issued)
      .when({ kind: 'rotate', id: 'tok_1', secretHash: 'b'.repeat(64), graceSeconds: 60 })
      .then([
        {
          type: 'TokenRotated',
          data: {
            id: 'tok_1',
            secretHash: 'b'.repeat(64),
            previousSecretHash: 'a'.repeat(64),
            previousValidUntil: '2026-12-01T10:01:00.000Z',
          },
        },
      ]);
  });

  it('revokes once; a second revocation records nothing, and a revoked token cannot be rotated', () => {
    const revoked: TokenEvent = { type: 'TokenRevoked', data: { id: 'tok_1' } };
    given(issued).when({ kind: 'revoke', id: 'tok_1' }).then([revoked]);
    given(issued, revoked).when({ kind: 'revoke', id: 'tok_1' }).then([]);
    given(issued, revoked)
      .when({ kind: 'rotate', id: 'tok_1', secretHash: 'c'.repeat(64), graceSeconds: 0 })
      .thenFails('TOKEN_REVOKED');
  });

  it('refuses to rotate or revoke a token that does not exist', () => {
    given().when({ kind: 'revoke', id: 'tok_x' }).thenFails('TOKEN_NOT_FOUND');
    given()
      .when({ kind: 'rotate', id: 'tok_x', secretHash: 'c'.repeat(64), graceSeconds: 0 })
      .thenFails('TOKEN_NOT_FOUND');
  });
});
