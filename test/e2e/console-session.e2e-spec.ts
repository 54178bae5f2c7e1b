import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFlag } from '../support/flags.js';
import { expectProblem } from '../support/problem.js';
import { openRaw } from '../support/raw-database.js';
import { tempDir } from '../support/temp-dir.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TOKENS } from '../support/tokens.js';

const MINUTE = 60_000;

/** docs/contract.md §8: a token traded for an HttpOnly, SameSite=Strict cookie; cookie writes need the CSRF header. */
describe('console sessions', () => {
  const { dir, cleanup } = tempDir();
  const consoleDir = join(dir, 'console');
  let t: TestApp;
  beforeAll(() => {
    mkdirSync(join(consoleDir, 'assets'), { recursive: true });
    writeFileSync(join(consoleDir, 'index.html'), '<!doctype html><title>Flagledger</title>');
    writeFileSync(join(consoleDir, 'assets', 'app-1234.js'), 'console.log(1)');
  });
  afterAll(cleanup);
  beforeEach(async () => {
    t = await startTestApp({ consoleDir });
    await createFlag(t, 'checkout');
  });
  afterEach(() => t.close());

  /** Signs in as `role` and answers the cookie (name=value) and the session body. */
  async function signIn(role: keyof typeof TOKENS = 'editor') {
    const res = await t.http().post('/v1/session').send({ token: TOKENS[role].secret }).expect(201);
    const setCookie = res.headers['set-cookie'] as unknown as string[];
    return { cookie: setCookie[0]!.split(';')[0]!, setCookie: setCookie[0]!, body: res.body };
  }

  it('trades a token for an HttpOnly, SameSite=Strict cookie and tells who signed in, with the CSRF value', async () => {
    const { setCookie, body, cookie } = await signIn();
    expect(setCookie).toMatch(
      /^flagledger_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=3600$/,
    );
    expect(body).toEqual({
      principal: {
        name: TOKENS.editor.name,
        role: 'editor',
        tokenId: `config:${TOKENS.editor.name}`,
        environments: null,
      },
      csrf: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expiresAt: new Date(t.clock.now().getTime() + 60 * MINUTE).toISOString(),
    });
    const current = await t.http().get('/v1/session').set('Cookie', cookie).expect(200);
    expect(current.body).toEqual(body);
    expect(current.headers['cache-control']).toBe('no-store');
    // The database never holds the cookie's value or the token's secret.
    const db = openRaw(t.dbPath);
    try {
      const rows = JSON.stringify(db.prepare('SELECT * FROM console_sessions').all());
      expect(rows).not.toContain(cookie.split('=')[1]);
      expect(rows).not.toContain(TOKENS.editor.secret);
    } finally {
      db.close();
    }
  });

  it('refuses an unknown token with 401 and sets no cookie', async () => {
    const res = await t.http().post('/v1/session').send({ token: 'not-a-token' });
    expectProblem(res, 401, { code: 'UNAUTHENTICATED' });
    expect(res.headers['set-cookie']).toBeUndefined();
    expectProblem(await t.http().post('/v1/session').send({}), 400, { code: 'VALIDATION_FAILED', field: 'token' });
  });

  it('reads with the cookie alone; writes need X-Flagledger-CSRF, and are recorded as the token holder', async () => {
    const { cookie, body } = await signIn();
    await t.http().get('/v1/flags/checkout').set('Cookie', cookie).expect(200);
    const without = await t.http().post('/v1/flags/checkout/enable').set('Cookie', cookie).send({});
    expectProblem(without, 403, { code: 'CSRF_FAILED', field: 'X-Flagledger-CSRF' });
    const wrong = await t
      .http()
      .post('/v1/flags/checkout/enable')
      .set('Cookie', cookie)
      .set('X-Flagledger-CSRF', 'x'.repeat(43))
      .send({});
    expectProblem(wrong, 403, { code: 'CSRF_FAILED' });
    expect((await t.as('viewer').get('/v1/flags/checkout').expect(200)).body.enabled).toBe(false);
    const ok = await t
      .http()
      .post('/v1/flags/checkout/enable')
      .set('Cookie', cookie)
      .set('X-Flagledger-CSRF', body.csrf)
      .send({ reason: 'from the console' })
      .expect(200);
    expect(ok.body.event).toMatchObject({ actor: TOKENS.editor.name, reason: 'from the console' });
  });

  it("keeps the role's limits: a viewer's session cannot write even with the CSRF value", async () => {
    const { cookie, body } = await signIn('viewer');
    const res = await t
      .http()
      .post('/v1/flags/checkout/enable')
      .set('Cookie', cookie)
      .set('X-Flagledger-CSRF', body.csrf)
      .send({});
    expectProblem(res, 403, { code: 'FORBIDDEN' });
  });

  it('signs out: the cookie is cleared and no longer authenticates', async () => {
    const { cookie } = await signIn();
    const out = await t.http().delete('/v1/session').set('Cookie', cookie).expect(204);
    expect(out.headers['set-cookie']).toEqual(['flagledger_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0']);
    expectProblem(await t.http().get('/v1/session').set('Cookie', cookie), 401, { code: 'UNAUTHENTICATED' });
  });

  it('expires after its lifetime', async () => {
    const { cookie } = await signIn();
    t.clock.advance(59 * MINUTE);
    await t.http().get('/v1/session').set('Cookie', cookie).expect(200);
    t.clock.advance(2 * MINUTE);
    expectProblem(await t.http().get('/v1/flags').set('Cookie', cookie), 401, { code: 'UNAUTHENTICATED' });
  });

  it('leaves bearer auth as it was: a bearer write needs no CSRF header, and GET /v1/session names its holder', async () => {
    await t.as('editor').post('/v1/flags/checkout/enable').send({}).expect(200);
    expect((await t.as('viewer').get('/v1/session').expect(200)).body).toEqual({
      principal: {
        name: TOKENS.viewer.name,
        role: 'viewer',
        tokenId: `config:${TOKENS.viewer.name}`,
        environments: null,
      },
      csrf: null,
      expiresAt: null,
    });
  });

  it('sends a strict Content-Security-Policy, nosniff and no framing on the console and the API', async () => {
    for (const path of ['/', '/v1/flags', '/health']) {
      const res = await t.http().get(path).set('Authorization', t.auth('viewer'));
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
    }
  });

  it('serves the built console at / (never cached) and its hashed assets (cached for good)', async () => {
    const page = await t.http().get('/').expect(200);
    expect(page.text).toContain('<title>Flagledger</title>');
    expect(page.headers['cache-control']).toBe('no-cache');
    const asset = await t.http().get('/assets/app-1234.js').expect(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expectProblem(await t.http().get('/assets/missing.js'), 404);
  });
});
