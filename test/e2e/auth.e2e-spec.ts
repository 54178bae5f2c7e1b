import type { Test } from 'supertest';
import { releaseFlag } from '../support/flags.js';
import { expectProblem } from '../support/problem.js';
import { eventCount, openRaw } from '../support/raw-database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TOKENS, type RoleName } from '../support/tokens.js';

/**
 * docs/contract.md §4: Bearer tokens, nested roles evaluator ⊂ viewer ⊂ editor ⊂ admin; missing/unknown token → 401,
 * too weak → 403, both as problem+json and without writing anything. docs/contract.md §3: the actor is the
 * authenticated principal, never taken from the body.
 */
const ROLE_ORDER: readonly RoleName[] = ['evaluator', 'viewer', 'editor', 'admin'];

type Method = 'get' | 'post' | 'put' | 'patch';
interface RouteCase {
  method: Method;
  path: string;
  /** The weakest role docs/contract.md §4 allows, or 'public'. */
  min: RoleName | 'public';
  /** A valid body for an allowed caller (per role, so that creates do not collide). */
  body?: (role: RoleName) => object;
  /** Takes the token raw too (Unleash's client API): a bare valid secret is let in there. */
  rawToken?: true;
}

const FLAG = 'auth-flag';

/** Every route the server exposes, with the minimal role from docs/contract.md §4. */
const ROUTES: readonly RouteCase[] = [
  {
    method: 'post',
    path: '/v1/evaluate',
    min: 'evaluator',
    body: () => ({ flagKey: FLAG, context: { userId: 'user-1' } }),
  },
  { method: 'post', path: '/v1/evaluate/all', min: 'evaluator', body: () => ({ context: { userId: 'user-1' } }) },
  { method: 'get', path: '/v1/flags', min: 'viewer' },
  { method: 'get', path: `/v1/flags/${FLAG}`, min: 'viewer' },
  { method: 'get', path: `/v1/flags/${FLAG}/history`, min: 'viewer' },
  { method: 'post', path: '/v1/flags', min: 'editor', body: (role) => releaseFlag(`created-by-${role}`) },
  { method: 'post', path: `/v1/flags/${FLAG}/enable`, min: 'editor', body: () => ({ reason: 'auth test' }) },
  { method: 'post', path: `/v1/flags/${FLAG}/disable`, min: 'editor', body: () => ({ reason: 'auth test' }) },
  {
    method: 'post',
    path: `/v1/flags/${FLAG}/kill-switch/engage`,
    min: 'editor',
    body: () => ({ reason: 'auth test' }),
  },
  {
    method: 'post',
    path: `/v1/flags/${FLAG}/kill-switch/release`,
    min: 'editor',
    body: () => ({ reason: 'auth test' }),
  },
  { method: 'put', path: `/v1/flags/${FLAG}/rollout`, min: 'editor', body: () => ({ percentage: 25 }) },
  { method: 'put', path: `/v1/flags/${FLAG}/segments`, min: 'editor', body: () => ({ segments: ['beta'] }) },
  {
    method: 'patch',
    path: `/v1/flags/${FLAG}`,
    min: 'editor',
    body: () => ({ description: 'changed by the auth test' }),
  },
  { method: 'post', path: `/v1/flags/${FLAG}/archive`, min: 'editor', body: () => ({ reason: 'auth test' }) },
  { method: 'post', path: `/v1/flags/${FLAG}/restore`, min: 'editor', body: () => ({ reason: 'auth test' }) },
  {
    method: 'post',
    path: '/v1/telemetry/evaluations',
    min: 'evaluator',
    body: () => ({
      evaluations: [{ flagKey: FLAG, reason: 'ROLLOUT_FULL', count: 3, lastEvaluatedAt: '2026-11-25T12:00:00Z' }],
    }),
  },
  { method: 'get', path: '/v1/snapshot', min: 'evaluator' },
  // GET /v1/stream never ends, so it is not in this table: test/e2e/delivery.e2e-spec.ts checks its 401/403.
  { method: 'get', path: '/v1/flags/stale', min: 'viewer' },
  { method: 'get', path: '/v1/audit', min: 'viewer' },
  { method: 'get', path: '/v1/export', min: 'viewer' },
  { method: 'get', path: '/v1/audit/verify', min: 'viewer' },
  { method: 'get', path: '/v1/audit/public-key', min: 'viewer' },
  { method: 'get', path: '/v1/audit/checkpoints/latest', min: 'viewer' },
  { method: 'get', path: '/v1/environments', min: 'viewer' },
  { method: 'get', path: '/v1/environments/production', min: 'viewer' },
  {
    method: 'post',
    path: '/v1/environments',
    min: 'admin',
    body: (role) => ({ key: `auth-${role}`, name: `Auth ${role}`, type: 'test' }),
  },
  { method: 'patch', path: '/v1/environments/production', min: 'admin', body: () => ({ name: 'Production' }) },
  { method: 'get', path: `/v1/flags/${FLAG}/environments`, min: 'viewer' },
  { method: 'get', path: '/v1/environments/production/flags', min: 'viewer' },
  { method: 'get', path: `/v1/environments/production/flags/${FLAG}`, min: 'viewer' },
  { method: 'get', path: `/v1/environments/production/flags/${FLAG}/evaluations`, min: 'viewer' },
  ...(['enable', 'disable', 'kill-switch/engage', 'kill-switch/release', 'copy-from/staging'] as const).map(
    (command): RouteCase => ({
      method: 'post',
      path: `/v1/environments/production/flags/${FLAG}/${command}`,
      min: 'editor',
      body: () => ({ reason: 'auth test' }),
    }),
  ),
  {
    method: 'put',
    path: `/v1/environments/production/flags/${FLAG}/rollout`,
    min: 'editor',
    body: () => ({ percentage: 30 }),
  },
  {
    method: 'put',
    path: `/v1/environments/production/flags/${FLAG}/segments`,
    min: 'editor',
    body: () => ({ segments: ['gamma'] }),
  },
  {
    method: 'post',
    path: '/v1/environments/production/evaluate',
    min: 'evaluator',
    body: () => ({ flagKey: FLAG, context: { userId: 'user-1' } }),
  },
  {
    method: 'post',
    path: '/v1/environments/production/evaluate/all',
    min: 'evaluator',
    body: () => ({ context: { userId: 'user-1' } }),
  },
  { method: 'get', path: '/v1/environments/production/snapshot', min: 'evaluator' },
  { method: 'post', path: '/v1/admin/checkpoints', min: 'admin' },
  { method: 'post', path: '/v1/admin/projections/rebuild', min: 'admin' },
  { method: 'get', path: '/v1/session', min: 'evaluator' },
  { method: 'get', path: '/v1/tokens', min: 'admin' },
  { method: 'get', path: '/v1/tokens/me', min: 'evaluator' },
  {
    method: 'post',
    path: '/v1/tokens',
    min: 'admin',
    body: (role) => ({ name: `issued-by-${role}`, role: 'viewer' }),
  },
  {
    method: 'post',
    path: '/v1/change-requests',
    min: 'editor',
    body: (role) => ({
      environment: 'production',
      title: `asked by ${role}`,
      changes: [{ flagKey: FLAG, command: 'enable', baseVersion: 1 }],
    }),
  },
  { method: 'get', path: '/v1/change-requests', min: 'viewer' },
  { method: 'get', path: '/api/client/features', min: 'evaluator', rawToken: true },
  { method: 'post', path: '/api/client/register', min: 'evaluator', rawToken: true, body: () => ({ appName: 'a' }) },
  { method: 'post', path: '/api/client/metrics', min: 'evaluator', rawToken: true, body: () => ({ appName: 'a' }) },
  { method: 'get', path: '/health', min: 'public' },
  { method: 'get', path: '/v1/health', min: 'public' },
  { method: 'get', path: '/metrics', min: 'public' },
];

const PROTECTED = ROUTES.filter((r) => r.min !== 'public');
const PUBLIC = ROUTES.filter((r) => r.min === 'public');
const label = (r: RouteCase) => `${r.method.toUpperCase()} ${r.path}`;

const RAW_SECRET = 'a valid secret without a scheme';

/** Authorization headers that must never authenticate (undefined = header absent), but a raw secret where the route takes one. */
const BAD_CREDENTIALS: Array<[string, string | undefined]> = [
  ['no token', undefined],
  ['a wrong token', 'Bearer not-a-real-secret'],
  ["the 'Basic xyz' scheme", 'Basic xyz'],
  ['a valid secret under the Basic scheme', `Basic ${TOKENS.admin.secret}`],
  [RAW_SECRET, TOKENS.admin.secret],
  ['an empty Bearer', 'Bearer'],
  ['a valid secret with trailing garbage', `Bearer ${TOKENS.admin.secret} extra`],
];

const badCredentialsFor = (route: RouteCase) =>
  route.rawToken ? BAD_CREDENTIALS.filter(([what]) => what !== RAW_SECRET) : BAD_CREDENTIALS;

const rolesBelow = (min: RoleName) => ROLE_ORDER.slice(0, ROLE_ORDER.indexOf(min));
const rolesFrom = (min: RoleName) => ROLE_ORDER.slice(ROLE_ORDER.indexOf(min));

describe('auth: every route × every credential, nested roles (docs/contract.md §4)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    const res = await t
      .http()
      .post('/v1/flags')
      .set('Authorization', t.auth('admin'))
      .send({ key: FLAG, type: 'operational', owner: 'platform' });
    expect(res.status).toBe(201);
    // What copy-from copies from (docs/contract.md §7).
    const staging = await t
      .http()
      .post('/v1/environments')
      .set('Authorization', t.auth('admin'))
      .send({ key: 'staging', name: 'Staging', type: 'staging' });
    expect(staging.status).toBe(201);
  });
  afterAll(() => t.close());

  function send(route: RouteCase, authorization: string | undefined, role: RoleName = 'admin'): Test {
    let req = t.http()[route.method](route.path);
    if (authorization !== undefined) req = req.set('Authorization', authorization);
    return route.body ? req.send(route.body(role)) : req;
  }

  it('the route table covers every role of docs/contract.md §4 and lists each route once', () => {
    expect(new Set(ROUTES.map(label)).size).toBe(ROUTES.length);
    expect(new Set(ROUTES.map((r) => r.min))).toEqual(new Set(['evaluator', 'viewer', 'editor', 'admin', 'public']));
  });

  describe('401 for missing or unknown credentials', () => {
    it.each(PROTECTED.map((r) => [label(r), r] as const))(
      '%s → 401 problem+json for every bad credential, nothing written',
      async (_l, route) => {
        const before = eventCount(t.dbPath);
        for (const [what, authorization] of badCredentialsFor(route)) {
          const res = await send(route, authorization);
          expect({ credential: what, status: res.status }).toEqual({ credential: what, status: 401 });
          expectProblem(res, 401, { label: label(route) });
        }
        expect(eventCount(t.dbPath)).toBe(before);
      },
    );

    it('answers 401 before looking at the body: an unauthenticated invalid create is 401, not 400', async () => {
      const before = eventCount(t.dbPath);
      const res = await t.http().post('/v1/flags').send({ key: 'NOT VALID', foo: 1 });
      expect(res.status).toBe(401);
      expect(eventCount(t.dbPath)).toBe(before);
    });

    it('answers 401 before revealing whether a flag exists', async () => {
      const res = await t.http().get('/v1/flags/no-such-flag');
      expect(res.status).toBe(401);
      const cmd = await t.http().post('/v1/flags/no-such-flag/enable').send({});
      expect(cmd.status).toBe(401);
    });
  });

  describe('403 for a role below the route minimum', () => {
    const denied = PROTECTED.flatMap((r) => rolesBelow(r.min as RoleName).map((role) => [label(r), role, r] as const));

    it.each(denied)('%s as %s → 403 problem+json, nothing written', async (_l, role, route) => {
      const before = eventCount(t.dbPath);
      const res = await send(route, t.auth(role), role);
      expectProblem(res, 403, { label: label(route) });
      expect(eventCount(t.dbPath)).toBe(before);
    });

    it('answers 403 before validating the body: a viewer sending an invalid create gets 403, not 400', async () => {
      const before = eventCount(t.dbPath);
      const res = await t
        .http()
        .post('/v1/flags')
        .set('Authorization', t.auth('viewer'))
        .send({ key: 'NOT VALID', foo: 1 });
      expect(res.status).toBe(403);
      expect(eventCount(t.dbPath)).toBe(before);
    });
  });

  describe('the minimum role and every role above it are let in', () => {
    const allowed = PROTECTED.flatMap((r) => rolesFrom(r.min as RoleName).map((role) => [label(r), role, r] as const));

    it.each(allowed)('%s as %s → neither 401 nor 403 (nor 5xx)', async (_l, role, route) => {
      const res = await send(route, t.auth(role), role);
      const detail = `${label(route)} as ${role}: ${res.status} ${JSON.stringify(res.body)}`;
      if (res.status === 401 || res.status === 403 || res.status >= 500)
        throw new Error(`refused or failed: ${detail}`);
      // With a valid body on an existing flag, an allowed caller actually succeeds.
      if (res.status < 200 || res.status >= 300) throw new Error(`expected a 2xx: ${detail}`);
    });

    it.each(PROTECTED.filter((r) => r.rawToken).map((r) => [label(r), r] as const))(
      '%s also takes the token raw, as Unleash SDKs send it',
      async (_l, route) => {
        for (const role of rolesFrom(route.min as RoleName))
          expect((await send(route, TOKENS[role].secret, role)).status).toBeLessThan(300);
      },
    );

    it('accepts the Bearer scheme case-insensitively (RFC 9110 §11.1)', async () => {
      const res = await t.http().get('/v1/flags').set('Authorization', `bearer ${TOKENS.viewer.secret}`);
      expect(res.status).toBe(200);
    });
  });

  describe('public routes', () => {
    it.each(PUBLIC.map((r) => [label(r), r] as const))(
      '%s answers 200 with any credential or none',
      async (_l, route) => {
        for (const [, authorization] of BAD_CREDENTIALS) {
          const res = await send(route, authorization);
          expect(res.status).toBe(200);
          if (route.path.endsWith('health')) expect(res.body).toMatchObject({ status: 'ok' });
          else expect(res.text).toContain('flagledger_');
        }
        for (const role of ROLE_ORDER) {
          const res = await send(route, t.auth(role), role);
          expect(res.status).toBe(200);
        }
      },
    );
  });

  it('no 401/403 attempt on any route changed the event count (whole table in one pass)', async () => {
    const before = eventCount(t.dbPath);
    for (const route of PROTECTED) {
      for (const [, authorization] of badCredentialsFor(route))
        expect((await send(route, authorization)).status).toBe(401);
      for (const role of rolesBelow(route.min as RoleName))
        expect((await send(route, t.auth(role), role)).status).toBe(403);
    }
    expect(eventCount(t.dbPath)).toBe(before);
  });
});

describe('actor: recorded from the token, never from the request (docs/contract.md §3)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  function actorInLog(seq: number): string {
    const db = openRaw(t.dbPath);
    try {
      return (db.prepare('SELECT actor FROM events WHERE seq = ?').get(seq) as { actor: string }).actor;
    } finally {
      db.close();
    }
  }

  it("records the editor token's name (alice) as createdBy and event actor", async () => {
    const res = await t.http().post('/v1/flags').set('Authorization', t.auth('editor')).send(releaseFlag('by-alice'));
    expect(res.status).toBe(201);
    expect(res.body.flag.createdBy).toBe(TOKENS.editor.name);
    expect(res.body.event.actor).toBe('alice');
    expect(actorInLog(res.body.event.seq)).toBe('alice');
    const read = await t.http().get('/v1/flags/by-alice').set('Authorization', t.auth('viewer'));
    expect(read.body.createdBy).toBe('alice');
  });

  it("records the admin token's name (root) as createdBy and event actor", async () => {
    const res = await t.http().post('/v1/flags').set('Authorization', t.auth('admin')).send(releaseFlag('by-root'));
    expect(res.status).toBe(201);
    expect(res.body.flag.createdBy).toBe(TOKENS.admin.name);
    expect(res.body.event.actor).toBe('root');
    expect(actorInLog(res.body.event.seq)).toBe('root');
  });

  it.each(['createdBy', 'actor'])(
    'rejects a create body that sets %s with 400 naming it, writing nothing',
    async (field) => {
      const before = eventCount(t.dbPath);
      const res = await t
        .http()
        .post('/v1/flags')
        .set('Authorization', t.auth('editor'))
        .send(releaseFlag(`spoof-${field.toLowerCase()}`, { [field]: 'mallory' }));
      expectProblem(res, 400, { field });
      expect(eventCount(t.dbPath)).toBe(before);
    },
  );

  it.each(['actor', 'createdBy'])(
    'rejects a command body that sets %s with 400 naming it, writing nothing',
    async (field) => {
      const before = eventCount(t.dbPath);
      const res = await t
        .http()
        .post('/v1/flags/by-alice/enable')
        .set('Authorization', t.auth('editor'))
        .send({ reason: 'x', [field]: 'mallory' });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      expect(eventCount(t.dbPath)).toBe(before);
    },
  );

  it('ignores an X-Actor header: {"reason": "x"} with X-Actor: mallory is recorded as alice', async () => {
    const res = await t
      .http()
      .post('/v1/flags/by-root/enable')
      .set('Authorization', t.auth('editor'))
      .set('X-Actor', 'mallory')
      .send({ reason: 'x' });
    expect(res.status).toBe(200);
    expect(res.body.event).toMatchObject({ type: 'FlagEnabled', actor: 'alice', reason: 'x' });
    expect(actorInLog(res.body.event.seq)).toBe('alice');

    const history = await t.http().get('/v1/flags/by-root/history').set('Authorization', t.auth('viewer'));
    expect(history.status).toBe(200);
    expect(history.body.entries.map((e: { type: string; actor: string }) => [e.type, e.actor])).toEqual([
      ['FlagCreated', 'root'],
      ['FlagEnabled', 'alice'],
    ]);
  });

  it('keeps createdBy as the creator when someone else changes the flag later', async () => {
    const res = await t
      .http()
      .put('/v1/flags/by-alice/rollout')
      .set('Authorization', t.auth('admin'))
      .send({ percentage: 30 });
    expect(res.status).toBe(200);
    expect(res.body.event.actor).toBe('root');
    expect(res.body.flag.createdBy).toBe('alice');
  });

  it('rejects the server-maintained createdBy in a PATCH body with 400 naming it', async () => {
    const before = eventCount(t.dbPath);
    const res = await t
      .http()
      .patch('/v1/flags/by-alice')
      .set('Authorization', t.auth('editor'))
      .send({ createdBy: 'mallory' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'createdBy' })]));
    expect(eventCount(t.dbPath)).toBe(before);
  });
});
