import { userInfo } from 'node:os';
import { runCli } from '../../src/cli/run-cli.js';
import { expectProblem } from '../support/problem.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { testCliEnv } from '../support/test-databases.js';

async function cli(...argv: string[]): Promise<{ code: number; json: Record<string, unknown>; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t), env: testCliEnv() });
  return { code, err, json: out ? (JSON.parse(out) as Record<string, unknown>) : {} };
}

/** Polls `probe` until it answers `status`, for at most `withinMs`; answers how long it took. */
async function untilStatus(
  probe: () => Promise<{ status: number }>,
  status: number,
  withinMs: number,
): Promise<number> {
  const started = Date.now();
  for (;;) {
    if ((await probe()).status === status) return Date.now() - started;
    if (Date.now() - started > withinMs) throw new Error(`no ${status} within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Issue 14 item 7: `npm run cli -- tokens issue|list|revoke` against the database, for when no admin token
 * is at hand, while a server runs on the same database (a SQLite file, or PostgreSQL).
 */
describe('tokens from the CLI', () => {
  let t: TestApp;
  const actor = `cli:${userInfo().username}`;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('issues a token as cli:<os user>, which the running server accepts within a second; revokes it the same way', async () => {
    const issued = await cli(
      'tokens',
      'issue',
      '--db',
      t.dbPath,
      '--name',
      'ops-admin',
      '--role',
      'admin',
      '--reason',
      'lost the admin token',
    );
    expect(issued.code).toBe(0);
    const secret = issued.json.secret as string;
    expect(secret).toMatch(/^flg_[A-Za-z0-9_-]{43}$/);
    const token = issued.json.token as { id: string };
    expect(issued.json.token).toMatchObject({ name: 'ops-admin', role: 'admin', createdBy: actor, source: 'api' });
    const asNew = () => t.http().get('/v1/tokens').set('Authorization', `Bearer ${secret}`);
    expect(await untilStatus(asNew, 200, 3000)).toBeLessThan(3000);

    const audit = await t.as('viewer').get('/v1/audit/verify').expect(200);
    expect(audit.body.ok).toBe(true);
    const exported = await t.as('viewer').get('/v1/export?format=ndjson').buffer(true);
    const rows = String(exported.text)
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const issuedRow = rows.find((row) => row.type === 'TokenIssued');
    expect(issuedRow).toMatchObject({ actor, reason: 'lost the admin token' });
    // The CLI acts as no issued token: its events name the operator only (docs/contract.md §9).
    expect(issuedRow).not.toHaveProperty('actorTokenId');
    expect(exported.text).not.toContain(secret);

    const revoked = await cli('tokens', 'revoke', token.id, '--db', t.dbPath, '--reason', 'rotated out');
    expect(revoked.code).toBe(0);
    expect(revoked.json.token).toMatchObject({ id: token.id, revokedAt: expect.any(String) });
    expect(await untilStatus(asNew, 401, 3000)).toBeLessThan(3000);
    expectProblem(await asNew(), 401);
  });

  it('lists every token without a secret, with its scope, now and as of an instant', async () => {
    const before = new Date().toISOString();
    const issued = await cli(
      'tokens',
      'issue',
      '--db',
      t.dbPath,
      '--name',
      'prod-svc',
      '--role',
      'evaluator',
      '--environment',
      'production',
    );
    expect(issued.code).toBe(0);
    const listed = await cli('tokens', 'list', '--db', t.dbPath);
    expect(listed.code).toBe(0);
    const tokens = listed.json.tokens as { name: string; environments: string[] | null; source: string }[];
    expect(tokens.find((x) => x.name === 'prod-svc')).toMatchObject({ environments: ['production'], source: 'api' });
    expect(JSON.stringify(listed.json)).not.toContain(issued.json.secret as string);
    const then = await cli('tokens', 'list', '--db', t.dbPath, '--as-of', before);
    expect((then.json.tokens as { name: string }[]).map((x) => x.name)).not.toContain('prod-svc');
  });

  it('refuses what the API refuses, naming the rule, with exit code 2 and nothing written', async () => {
    const head = (await t.as('viewer').get('/v1/audit/verify').expect(200)).body.events;
    const refusals: Array<[string[], string]> = [
      [['tokens', 'issue', '--name', 'x', '--role', 'root'], 'role: must be one of evaluator, viewer, editor, admin'],
      [['tokens', 'issue', '--role', 'viewer'], 'name'],
      [['tokens', 'issue', '--name', 'x', '--role', 'viewer', '--environment', 'nowhere'], 'ENVIRONMENT_NOT_FOUND'],
      [['tokens', 'issue', '--name', 'x', '--role', 'viewer', '--expires-at', '2001-01-01T00:00:00Z'], 'expiresAt'],
      [['tokens', 'revoke', 'tok_nope'], 'TOKEN_NOT_FOUND'],
      [['tokens', 'revoke'], 'needs the token id'],
      [['tokens', 'list', '--as-of', 'yesterday'], 'asOf'],
      [['tokens', 'rotate'], 'tokens needs issue, list or revoke'],
    ];
    for (const [argv, message] of refusals) {
      const result = await cli(...argv, '--db', t.dbPath);
      expect({ argv, code: result.code, err: result.err }).toEqual({
        argv,
        code: 2,
        err: expect.stringContaining(message),
      });
    }
    expect((await t.as('viewer').get('/v1/audit/verify').expect(200)).body.events).toBe(head);
  });
});
