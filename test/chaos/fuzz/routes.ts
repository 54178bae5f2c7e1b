import type { RoleName } from '../../support/tokens.js';
import type { BodyKind } from './bodies.js';
import type { QueryKind } from './queries.js';

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type Method = (typeof METHODS)[number];
export type Wire = 'problem' | 'ofrep';

export interface FuzzRoute {
  method: Method;
  /** `:key` stands for a flag key, `:id` for a change request id. */
  path: string;
  /** The weakest role docs/contract.md §4 allows, or 'public'. */
  min: RoleName | 'public';
  /** The body DTO, if the route reads a body. */
  body?: BodyKind;
  /** The query DTO, if the route reads query parameters. */
  query?: QueryKind;
  /** Flag commands also read If-Match and Idempotency-Key. */
  command?: boolean;
  /** The route also takes the bare token as the whole Authorization header (Unleash's client API). */
  rawToken?: boolean;
  /** The route also takes the token in an X-API-Key header when Authorization is absent (OFREP). */
  apiKey?: boolean;
  /**
   * How the route answers a refusal: problem+json (docs/contract.md §4, the default) or OFREP's own
   * format (§11: 401/403/429 without a body, other 4xx `{key?, errorCode, errorDetails}`).
   */
  wire?: Wire;
  /** Requests to send; the table adds up to more than 10,000. */
  runs: number;
}

const command = (path: string, runs = 200, base = '/v1/flags'): FuzzRoute => ({
  method: 'POST',
  path: `${base}/:key/${path}`,
  min: 'editor',
  body: 'command',
  command: true,
  runs,
});

const OFREP = {
  method: 'POST',
  min: 'evaluator',
  body: 'ofrepEvaluate',
  apiKey: true,
  wire: 'ofrep',
} as const satisfies Omit<FuzzRoute, 'path' | 'runs'>;

const IN_PRODUCTION = '/v1/environments/production/flags';

const CHANGE_REQUEST = '/v1/change-requests/:id';
/** A review step on a change request (docs/contract.md §10). */
const review = (step: string, body: BodyKind): FuzzRoute => ({
  method: 'POST',
  path: `${CHANGE_REQUEST}/${step}`,
  min: 'editor',
  body,
  runs: 120,
});

/** Every route the server exposes (src/**\/*.controller.ts), docs/contract.md §4's and the extra ones. */
export const FUZZ_ROUTES: readonly FuzzRoute[] = [
  { method: 'POST', path: '/v1/flags', min: 'editor', body: 'create', command: true, runs: 700 },
  { method: 'GET', path: '/v1/flags', min: 'viewer', query: 'listFlags', runs: 400 },
  { method: 'GET', path: '/v1/flags/:key', min: 'viewer', query: 'getFlag', runs: 400 },
  { method: 'PATCH', path: '/v1/flags/:key', min: 'editor', body: 'details', command: true, runs: 400 },
  command('enable'),
  command('disable'),
  command('kill-switch/engage'),
  command('kill-switch/release'),
  command('archive'),
  command('restore'),
  { method: 'PUT', path: '/v1/flags/:key/rollout', min: 'editor', body: 'rollout', command: true, runs: 350 },
  { method: 'PUT', path: '/v1/flags/:key/segments', min: 'editor', body: 'segments', command: true, runs: 350 },
  { method: 'GET', path: '/v1/flags/:key/history', min: 'viewer', runs: 200 },
  // docs/contract.md §11: connected clients, and who holds a flag's latest change.
  { method: 'GET', path: '/v1/clients', min: 'viewer', query: 'clients', runs: 150 },
  { method: 'GET', path: '/v1/flags/:key/convergence', min: 'viewer', query: 'clients', runs: 200 },
  { method: 'GET', path: '/v1/flags/stale', min: 'viewer', runs: 150 },
  { method: 'GET', path: '/v1/audit', min: 'viewer', query: 'audit', runs: 500 },
  { method: 'GET', path: '/v1/export', min: 'viewer', query: 'export', runs: 400 },
  { method: 'GET', path: '/v1/audit/verify', min: 'viewer', runs: 150 },
  { method: 'GET', path: '/v1/audit/public-key', min: 'viewer', runs: 100 },
  { method: 'GET', path: '/v1/audit/checkpoints/latest', min: 'viewer', runs: 100 },
  { method: 'POST', path: '/v1/evaluate', min: 'evaluator', body: 'evaluate', runs: 500 },
  { method: 'POST', path: '/v1/evaluate/all', min: 'evaluator', body: 'evaluateAll', runs: 300 },
  { method: 'GET', path: '/v1/snapshot', min: 'evaluator', runs: 150 },
  { method: 'GET', path: '/v1/stream', min: 'evaluator', query: 'stream', runs: 200 },
  { method: 'POST', path: '/v1/telemetry/evaluations', min: 'evaluator', body: 'telemetry', runs: 450 },
  { method: 'GET', path: '/v1/environments', min: 'viewer', runs: 150 },
  { method: 'POST', path: '/v1/environments', min: 'admin', body: 'createEnvironment', runs: 300 },
  { method: 'GET', path: '/v1/environments/:key', min: 'viewer', runs: 150 },
  { method: 'PATCH', path: '/v1/environments/:key', min: 'admin', body: 'changeEnvironment', runs: 250 },
  // docs/contract.md §7: the same routes in one environment (the default one, so commands reach a flag).
  { method: 'GET', path: `${IN_PRODUCTION}`, min: 'viewer', query: 'listFlags', runs: 150 },
  { method: 'GET', path: `${IN_PRODUCTION}/:key`, min: 'viewer', query: 'getFlag', runs: 200 },
  { method: 'GET', path: '/v1/flags/:key/environments', min: 'viewer', query: 'getFlag', runs: 150 },
  { method: 'GET', path: `${IN_PRODUCTION}/:key/evaluations`, min: 'viewer', runs: 100 },
  command('enable', 100, IN_PRODUCTION),
  command('disable', 100, IN_PRODUCTION),
  command('kill-switch/engage', 100, IN_PRODUCTION),
  command('kill-switch/release', 100, IN_PRODUCTION),
  command('copy-from/production', 100, IN_PRODUCTION),
  { method: 'PUT', path: `${IN_PRODUCTION}/:key/rollout`, min: 'editor', body: 'rollout', command: true, runs: 150 },
  { method: 'PUT', path: `${IN_PRODUCTION}/:key/segments`, min: 'editor', body: 'segments', command: true, runs: 150 },
  { method: 'POST', path: '/v1/environments/production/evaluate', min: 'evaluator', body: 'evaluate', runs: 200 },
  {
    method: 'POST',
    path: '/v1/environments/production/evaluate/all',
    min: 'evaluator',
    body: 'evaluateAll',
    runs: 150,
  },
  { method: 'GET', path: '/v1/environments/production/snapshot', min: 'evaluator', runs: 100 },
  { method: 'GET', path: '/v1/environments/production/stream', min: 'evaluator', query: 'stream', runs: 100 },
  // docs/contract.md §10: four eyes. `:id` is the change request the fuzzer seeds, or one that is not there.
  { method: 'POST', path: '/v1/change-requests', min: 'editor', body: 'createChangeRequest', runs: 500 },
  { method: 'GET', path: '/v1/change-requests', min: 'viewer', query: 'listChangeRequests', runs: 250 },
  { method: 'GET', path: CHANGE_REQUEST, min: 'viewer', runs: 150 },
  { method: 'PUT', path: `${CHANGE_REQUEST}/changes`, min: 'editor', body: 'replaceChanges', runs: 350 },
  review('approve', 'approve'),
  review('reject', 'reject'),
  review('cancel', 'command'),
  review('apply', 'command'),
  review('acknowledge', 'acknowledge'),
  { method: 'POST', path: '/v1/admin/checkpoints', min: 'admin', runs: 150 },
  { method: 'POST', path: '/v1/admin/projections/rebuild', min: 'admin', runs: 150 },
  { method: 'POST', path: '/v1/session', min: 'public', body: 'openSession', runs: 250 },
  { method: 'GET', path: '/v1/tokens', min: 'admin', runs: 100 },
  { method: 'GET', path: '/v1/tokens/me', min: 'evaluator', runs: 100 },
  { method: 'POST', path: '/v1/tokens', min: 'admin', body: 'issueToken', runs: 300 },
  { method: 'POST', path: '/v1/tokens/:key/revoke', min: 'admin', body: 'command', runs: 150 },
  { method: 'POST', path: '/v1/tokens/:key/rotate', min: 'admin', body: 'command', runs: 150 },
  { method: 'GET', path: '/v1/session', min: 'evaluator', runs: 100 },
  { method: 'DELETE', path: '/v1/session', min: 'public', runs: 100 },
  // docs/contract.md §11: what Unleash SDKs fetch and report, with the token raw or as Bearer.
  { method: 'GET', path: '/api/client/features', min: 'evaluator', rawToken: true, runs: 200 },
  { method: 'GET', path: '/api/client/streaming', min: 'evaluator', rawToken: true, runs: 100 },
  {
    method: 'POST',
    path: '/api/client/register',
    min: 'evaluator',
    body: 'unleashRegister',
    rawToken: true,
    runs: 250,
  },
  { method: 'POST', path: '/api/client/metrics', min: 'evaluator', body: 'unleashMetrics', rawToken: true, runs: 400 },
  // docs/contract.md §11: OFREP 0.3, the token as Bearer or X-API-Key, refusals in OFREP's format.
  { ...OFREP, path: '/ofrep/v1/evaluate/flags/:key', runs: 400 },
  { ...OFREP, path: '/ofrep/v1/evaluate/flags', runs: 350 },
  { method: 'GET', path: '/health', min: 'public', runs: 200 },
  { method: 'GET', path: '/v1/health', min: 'public', runs: 150 },
  { method: 'GET', path: '/metrics', min: 'public', runs: 200 },
];

/** Requests to paths no route serves. */
export const NOWHERE_RUNS = 700;

const MATCHERS = FUZZ_ROUTES.map((route) => ({
  method: route.method,
  // Express routes are case-insensitive and take an optional trailing slash; a parameter is one segment.
  pattern: new RegExp(`^${withParams(route.path.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&'), '[^/]+')}/?$`, 'i'),
}));

/** The path with its parameter (`:key` or `:id`) replaced. */
export function withParams(path: string, value: string): string {
  return path.replace(/:(?:key|id)\b/, () => value);
}

/** Whether some route answers `method` on this raw path (no query string). */
export function isServed(method: string, rawPath: string): boolean {
  return MATCHERS.some((m) => m.method === method && m.pattern.test(rawPath));
}

export const label = (route: Pick<FuzzRoute, 'method' | 'path'>) => `${route.method} ${route.path}`;

/** OFREP's routes are mounted under this prefix, and so are its body refusals (Express matches it case-insensitively). */
export const isUnderOfrep = (rawPath: string): boolean => /^\/ofrep(?:\/|$)/i.test(rawPath);
