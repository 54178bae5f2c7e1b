import type { ApiToken } from '../../src/config/app-config.js';

/** One token per role; the name is what the server records as the actor. */
export const TOKENS = {
  admin: { name: 'root', role: 'admin', secret: 'admin-secret-123' },
  editor: { name: 'alice', role: 'editor', secret: 'editor-secret-123' },
  viewer: { name: 'victor', role: 'viewer', secret: 'viewer-secret-123' },
  evaluator: { name: 'svc-payments', role: 'evaluator', secret: 'evaluator-secret-123' },
} as const satisfies Record<string, ApiToken>;

export type RoleName = keyof typeof TOKENS;

/** The Authorization header value a role's requests carry. */
export const authorization = (role: RoleName): string => `Bearer ${TOKENS[role].secret}`;
