import { createFlag } from '../support/flags.js';
import { expectProblem } from '../support/problem.js';
import { openRaw } from '../support/raw-database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { isPostgresDatabase } from '../support/test-databases.js';
import { TOKENS } from '../support/tokens.js';

const DAY = 86_400_000;

/** docs/contract.md §9, first slice: tokens issued and revoked at run time, as events of the log. */
describe('tokens as events', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
    await createFlag(t, 'checkout');
  });
  afterEach(() => t.close());

  const issue = (body: object) => t.as('admin').post('/v1/tokens').send(body);
  const bearer = (secret: string) => `Bearer ${secret}`;

  it('issues a token: the secret once (flg_ + 43 base64url), an event holding only its SHA-256, and the rights of its role', async () => {
    const res = await issue({ name: 'checkout-service', role: 'evaluator', reason: 'new service' }).expect(201);
    expect(res.body.secret).toMatch(/^flg_[A-Za-z0-9_-]{43}$/);
    expect(res.body.token).toEqual({
      id: expect.stringMatching(/^tok_[A-Za-z0-9_-]{12}$/),
      name: 'checkout-service',
      role: 'evaluator',
      environments: null,
      expiresAt: null,
      createdBy: TOKENS.admin.name,
      createdAt: t.clock.now().toISOString(),
      revokedAt: null,
      lastUsedAt: null,
      source: 'api',
    });
    expect(res.body.event).toMatchObject({
      type: 'TokenIssued',
      streamId: `token:${res.body.token.id}`,
      actor: TOKENS.admin.name,
      reason: 'new service',
      data: {
        id: res.body.token.id,
        name: 'checkout-service',
        role: 'evaluator',
        secretHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    });
    const db = openRaw(t.dbPath);
    try {
      expect(JSON.stringify(db.prepare('SELECT * FROM events').all())).not.toContain(res.body.secret);
    } finally {
      db.close();
    }
    const secret = res.body.secret as string;
    await t.http().post('/v1/evaluate').set('Authorization', bearer(secret)).send({ flagKey: 'checkout' }).expect(200);
    expectProblem(await t.http().get('/v1/flags').set('Authorization', bearer(secret)), 403, { code: 'FORBIDDEN' });
    expect((await t.as('viewer').get('/v1/audit/verify').expect(200)).body).toMatchObject({ ok: true, events: 2 });
  });

  it("records the issued token's name as the actor of what it does, and answers GET /v1/tokens/me", async () => {
    const { secret, token } = (await issue({ name: 'release-bot', role: 'editor' }).expect(201)).body;
    const enabled = await t
      .http()
      .post('/v1/flags/checkout/enable')
      .set('Authorization', bearer(secret))
      .send({})
      .expect(200);
    expect(enabled.body.event.actor).toBe('release-bot');
    expect((await t.http().get('/v1/tokens/me').set('Authorization', bearer(secret)).expect(200)).body).toEqual({
      ...token,
      lastUsedAt: t.clock.now().toISOString(),
    });
    expect((await t.as('viewer').get('/v1/tokens/me').expect(200)).body).toMatchObject({
      id: `config:${TOKENS.viewer.name}`,
      source: 'config',
    });
  });

  it('lists every token, configured and issued, never a secret or its hash', async () => {
    const { secret } = (await issue({ name: 'ci', role: 'viewer' }).expect(201)).body;
    const listed = (await t.as('admin').get('/v1/tokens').expect(200)).body.tokens as {
      name: string;
      source: string;
    }[];
    expect(listed.map((x) => [x.name, x.source])).toEqual([
      ...Object.values(TOKENS).map((x) => [x.name, 'config']),
      ['ci', 'api'],
    ]);
    const text = JSON.stringify(listed);
    expect(text).not.toContain(secret);
    expect(text).not.toContain('secretHash');
    for (const role of ['viewer', 'editor'] as const) expectProblem(await t.as(role).get('/v1/tokens'), 403);
    expectProblem(await t.as('editor').post('/v1/tokens').send({ name: 'x', role: 'admin' }), 403);
  });

  it('revokes a token at once: 401 from then on, its console sessions too; once, and never a configured one', async () => {
    const { secret, token } = (await issue({ name: 'leaked', role: 'editor' }).expect(201)).body;
    const signedIn = await t.http().post('/v1/session').send({ token: secret }).expect(201);
    const cookie = (signedIn.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]!;
    const revoked = await t
      .as('admin')
      .post(`/v1/tokens/${token.id}/revoke`)
      .send({ reason: 'leaked in a log' })
      .expect(200);
    expect(revoked.body.event).toMatchObject({ type: 'TokenRevoked', reason: 'leaked in a log' });
    expect(revoked.body.token.revokedAt).toBe(t.clock.now().toISOString());
    expectProblem(await t.http().get('/v1/flags').set('Authorization', bearer(secret)), 401, {
      code: 'UNAUTHENTICATED',
    });
    expectProblem(await t.http().get('/v1/flags').set('Cookie', cookie), 401);
    expectProblem(await t.http().post('/v1/session').send({ token: secret }), 401);
    expect((await t.as('admin').post(`/v1/tokens/${token.id}/revoke`).send({}).expect(200)).body.event).toBeNull();
    expectProblem(await t.as('admin').post(`/v1/tokens/config:${TOKENS.viewer.name}/revoke`).send({}), 404, {
      code: 'TOKEN_NOT_FOUND',
    });
    expectProblem(await t.as('admin').post('/v1/tokens/tok_nope/revoke').send({}), 404, { code: 'TOKEN_NOT_FOUND' });
  });

  it('keeps names unique among live tokens, configured ones included; a revoked name is free again', async () => {
    const first = (await issue({ name: 'payments', role: 'evaluator' }).expect(201)).body;
    expectProblem(await issue({ name: 'payments', role: 'viewer' }), 409, { code: 'TOKEN_NAME_TAKEN', field: 'name' });
    expectProblem(await issue({ name: TOKENS.viewer.name, role: 'viewer' }), 409, { field: 'name' });
    await t.as('admin').post(`/v1/tokens/${first.token.id}/revoke`).send({}).expect(200);
    await issue({ name: 'payments', role: 'viewer' }).expect(201);
  });

  it('reads expiresAt: null as a token that does not expire', async () => {
    const { token, secret } = (await issue({ name: 'forever', role: 'viewer', expiresAt: null }).expect(201)).body;
    expect(token.expiresAt).toBeNull();
    t.clock.advance(3650 * DAY);
    await t.http().get('/v1/flags').set('Authorization', bearer(secret)).expect(200);
  });

  it('refuses an expiry that is not in the future, and a token past its expiry', async () => {
    expectProblem(
      await issue({ name: 'old', role: 'viewer', expiresAt: new Date(t.clock.now().getTime() - 1).toISOString() }),
      400,
      {
        field: 'expiresAt',
      },
    );
    expectProblem(await issue({ name: 'bad', role: 'superuser' }), 400, { field: 'role' });
    expectProblem(await issue({ name: 'has space', role: 'viewer' }), 400, { field: 'name' });
    const { secret } = (
      await issue({
        name: 'temp',
        role: 'viewer',
        expiresAt: new Date(t.clock.now().getTime() + DAY).toISOString(),
      }).expect(201)
    ).body;
    await t.http().get('/v1/flags').set('Authorization', bearer(secret)).expect(200);
    t.clock.advance(DAY);
    expectProblem(await t.http().get('/v1/flags').set('Authorization', bearer(secret)), 401);
  });

  it('still knows issued and revoked tokens after a restart: they are read back from the log', async () => {
    const kept = (await issue({ name: 'kept', role: 'viewer' }).expect(201)).body;
    const gone = (await issue({ name: 'gone', role: 'viewer' }).expect(201)).body;
    await t.as('admin').post(`/v1/tokens/${gone.token.id}/revoke`).send({}).expect(200);
    const { dbPath, clock } = t;
    await t.close();
    t = await startTestApp({ dbPath, clock });
    await t.http().get('/v1/flags').set('Authorization', bearer(kept.secret)).expect(200);
    expectProblem(await t.http().get('/v1/flags').set('Authorization', bearer(gone.secret)), 401);
  });

  it('holds no secret anywhere: not in any event, exported row (NDJSON or CSV), audit entry or token list', async () => {
    const issued = (await issue({ name: 'scanned', role: 'editor', environments: ['production'] }).expect(201)).body;
    const rotated = (
      await t.as('admin').post(`/v1/tokens/${issued.token.id}/rotate`).send({ graceSeconds: 60 }).expect(201)
    ).body;
    await t.http().post('/v1/flags/checkout/enable').set('Authorization', bearer(rotated.secret)).send({}).expect(200);
    await t.as('admin').post(`/v1/tokens/${issued.token.id}/revoke`).send({ reason: 'scan' }).expect(200);
    const text = (res: { text: string }) => res.text;
    const db = openRaw(t.dbPath);
    let tables: string;
    try {
      // Every table of the schema, on either backend.
      const names = db
        .prepare(
          isPostgresDatabase(t.dbPath)
            ? 'SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()'
            : "SELECT name FROM sqlite_master WHERE type = 'table'",
        )
        .all() as { name: string }[];
      expect(names.map((n) => n.name)).toEqual(
        expect.arrayContaining(['events', 'token_last_used', 'console_sessions']),
      );
      tables = JSON.stringify(names.map(({ name }) => db.prepare(`SELECT * FROM "${name}"`).all()));
    } finally {
      db.close();
    }
    const places = {
      database: tables,
      ndjson: text(await t.as('viewer').get('/v1/export?format=ndjson').buffer(true).expect(200)),
      csv: text(await t.as('viewer').get('/v1/export?format=csv').buffer(true).expect(200)),
      audit: text(await t.as('viewer').get('/v1/audit?limit=1000').expect(200)),
      tokens: text(await t.as('admin').get('/v1/tokens').expect(200)),
    };
    expect(places.ndjson).toContain('TokenRotated');
    for (const [place, content] of Object.entries(places))
      for (const secret of [issued.secret, rotated.secret])
        expect({ place, holdsSecret: content.includes(secret) }).toEqual({ place, holdsSecret: false });
  });

  it('keeps when each token was last used, across a restart and never as an event', async () => {
    const used = (await issue({ name: 'used', role: 'viewer' }).expect(201)).body;
    await issue({ name: 'unused', role: 'viewer' }).expect(201);
    const events = (await t.as('viewer').get('/v1/audit/verify').expect(200)).body.events;
    t.clock.advance(60_000);
    const usedAt = t.clock.now().toISOString();
    await t.http().get('/v1/flags').set('Authorization', bearer(used.secret)).expect(200);
    t.clock.advance(60_000);
    const lastUse = async () => {
      const tokens = (await t.as('admin').get('/v1/tokens').expect(200)).body.tokens as {
        name: string;
        lastUsedAt: string | null;
      }[];
      return Object.fromEntries(tokens.map((x) => [x.name, x.lastUsedAt]));
    };
    // Before any flush: the instance's own memory answers.
    expect(await lastUse()).toMatchObject({ used: usedAt, unused: null });
    const me = await t.http().get('/v1/tokens/me').set('Authorization', bearer(used.secret)).expect(200);
    expect(me.body.lastUsedAt).toBe(t.clock.now().toISOString());
    const { dbPath, clock } = t;
    await t.close();
    t = await startTestApp({ dbPath, clock });
    // After a restart, from the database: the latest use (GET /v1/tokens/me above) and still no use of the other.
    expect(await lastUse()).toMatchObject({
      used: me.body.lastUsedAt,
      unused: null,
      [TOKENS.admin.name]: expect.any(String),
    });
    // Uses are not events: the log holds exactly what it held before them.
    expect((await t.as('viewer').get('/v1/audit/verify').expect(200)).body.events).toBe(events);
  });

  it('rotates a secret: the new one at once, the old one only for its grace period, and never a revoked token', async () => {
    const { secret: old, token } = (await issue({ name: 'rotating', role: 'viewer' }).expect(201)).body;
    const rotated = await t
      .as('admin')
      .post(`/v1/tokens/${token.id}/rotate`)
      .send({ graceSeconds: 60, reason: 'yearly' })
      .expect(201);
    expect(rotated.body.secret).toMatch(/^flg_[A-Za-z0-9_-]{43}$/);
    expect(rotated.body.secret).not.toBe(old);
    expect(rotated.body.event).toMatchObject({
      type: 'TokenRotated',
      reason: 'yearly',
      data: { id: token.id, previousValidUntil: new Date(t.clock.now().getTime() + 60_000).toISOString() },
    });
    const read = (secret: string) => t.http().get('/v1/flags').set('Authorization', bearer(secret));
    await read(rotated.body.secret).expect(200);
    await read(old).expect(200);
    t.clock.advance(60_000);
    expectProblem(await read(old), 401);
    await read(rotated.body.secret).expect(200);

    // Without a grace period the old secret stops at once.
    const again = await t.as('admin').post(`/v1/tokens/${token.id}/rotate`).send({}).expect(201);
    expectProblem(await read(rotated.body.secret), 401);
    await read(again.body.secret).expect(200);
    expectProblem(await t.as('admin').post(`/v1/tokens/${token.id}/rotate`).send({ graceSeconds: 86_401 }), 400, {
      field: 'graceSeconds',
    });
    await t.as('admin').post(`/v1/tokens/${token.id}/revoke`).send({}).expect(200);
    expectProblem(await t.as('admin').post(`/v1/tokens/${token.id}/rotate`).send({}), 409, { code: 'TOKEN_REVOKED' });
  });

  it('answers who had access at an instant: GET /v1/tokens?asOf=', async () => {
    const apiNames = async (asOf: string) =>
      (
        (
          await t
            .as('admin')
            .get(`/v1/tokens?asOf=${encodeURIComponent(asOf)}`)
            .expect(200)
        ).body.tokens as { name: string; source: string }[]
      )
        .filter((x) => x.source === 'api')
        .map((x) => x.name);
    const beforeAll = t.clock.now().toISOString();
    t.clock.advance(60_000);
    const a = (await issue({ name: 'alpha', role: 'viewer' }).expect(201)).body;
    t.clock.advance(60_000);
    await issue({
      name: 'beta',
      role: 'viewer',
      expiresAt: new Date(t.clock.now().getTime() + 120_000).toISOString(),
    }).expect(201);
    t.clock.advance(60_000);
    const bothLive = t.clock.now().toISOString();
    t.clock.advance(60_000);
    await t.as('admin').post(`/v1/tokens/${a.token.id}/revoke`).send({}).expect(200);
    t.clock.advance(60_000);
    expect(await apiNames(beforeAll)).toEqual([]);
    expect(await apiNames(bothLive)).toEqual(['alpha', 'beta']);
    // Now alpha is revoked and beta has expired.
    expect(await apiNames(t.clock.now().toISOString())).toEqual([]);
    expectProblem(await t.as('admin').get('/v1/tokens?asOf=yesterday'), 400, { field: 'asOf' });
  });
});

/** Issue 14 item 4: with FLAGLEDGER_TOKENS unset, a start generates an admin token only while the log has none. */
describe('the admin token a start generates without FLAGLEDGER_TOKENS', () => {
  const list = (app: TestApp, secret: string) => app.http().get('/v1/tokens').set('Authorization', `Bearer ${secret}`);

  it('works on a fresh database, gives way once an admin token is issued, and comes back if none is live', async () => {
    let app = await startTestApp({ generatedAdminSecret: 'generated-first-start' });
    const { dbPath, clock } = app;
    try {
      const listed = await list(app, 'generated-first-start').expect(200);
      expect(listed.body.tokens).toEqual([expect.objectContaining({ id: 'config:admin', source: 'config' })]);
      const issued = await app
        .http()
        .post('/v1/tokens')
        .set('Authorization', 'Bearer generated-first-start')
        .send({ name: 'ops', role: 'admin' })
        .expect(201);
      // Decided at start: the run that issued the admin token keeps its generated one.
      await list(app, 'generated-first-start').expect(200);
      await app.close();

      app = await startTestApp({ dbPath, clock, generatedAdminSecret: 'generated-second-start' });
      expectProblem(await list(app, 'generated-second-start'), 401);
      const withIssued = await list(app, issued.body.secret).expect(200);
      expect(withIssued.body.tokens.map((x: { name: string }) => x.name)).toEqual(['ops']);
      await app
        .http()
        .post(`/v1/tokens/${issued.body.token.id}/revoke`)
        .set('Authorization', `Bearer ${issued.body.secret}`)
        .send({ reason: 'left the company' })
        .expect(200);
      await app.close();

      // No live admin token left: the next start is not locked out.
      app = await startTestApp({ dbPath, clock, generatedAdminSecret: 'generated-third-start' });
      await list(app, 'generated-third-start').expect(200);
    } finally {
      await app.close();
    }
  });
});
