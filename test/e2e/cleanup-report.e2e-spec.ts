import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runCli } from '../../src/cli/run-cli.js';
import { ManualClock } from '../support/clock.js';
import { releaseFlag } from '../support/flags.js';
import { tempDir } from '../support/temp-dir.js';
import { startTestApp } from '../support/test-app.js';
import { testCliEnv } from '../support/test-databases.js';

const DAY = 86_400_000;

describe('cleanup-report CLI', () => {
  const { dir, cleanup } = tempDir();
  const dbPath = join(dir, 'data', 'flagledger.db');
  const source = join(dir, 'service');
  const clock = new ManualClock(new Date('2026-01-01T00:00:00.000Z'));
  let staleOverHttp: { key: string; rules: string[] }[];
  /** What --db names: the SQLite file, or on PostgreSQL the database's URL. */
  let db: string;

  const file = (path: string, text: string) => {
    mkdirSync(dirname(join(source, path)), { recursive: true });
    writeFileSync(join(source, path), text);
  };

  beforeAll(async () => {
    const t = await startTestApp({ dbPath, clock });
    db = t.dbPath;
    const editor = t.auth('editor');
    await t
      .http()
      .post('/v1/flags')
      .set('Authorization', editor)
      .send(
        releaseFlag('checkout_v2', {
          enabled: true,
          owner: 'payments',
          ticket: 'PAY-9',
          expiresAt: '2026-12-01T00:00:00Z',
        }),
      )
      .expect(201);
    await t
      .http()
      .post('/v1/flags')
      .set('Authorization', editor)
      .send({ key: 'reco.test', type: 'experiment', owner: 'growth', expiresAt: '2026-01-20T00:00:00Z' })
      .expect(201);
    await t
      .http()
      .post('/v1/flags')
      .set('Authorization', editor)
      .send({ key: 'ops.breaker', type: 'operational', owner: 'sre' })
      .expect(201);
    clock.advance(40 * DAY);
    await t
      .http()
      .post('/v1/evaluate')
      .set('Authorization', t.auth('evaluator'))
      .send({ flagKey: 'ops.breaker', context: {} })
      .expect(200);
    staleOverHttp = (await t.http().get('/v1/flags/stale').set('Authorization', t.auth('viewer')).expect(200)).body
      .flags;
    await t.close();

    file(
      'src/payments.ts',
      "import { flags } from './flags';\n\nif (flags.isEnabled('checkout_v2', { userId })) charge();\n",
    );
    file('src/reco/ranker.ts', 'const v2 = flags.isEnabled("reco.test", ctx); // reco.test experiment\n');
    file('src/beta.ts', "flags.isEnabled('checkout_v2_beta'); flags.isEnabled('reco.test.extra');\n");
    file('node_modules/lib/index.js', "isEnabled('checkout_v2')\n");
    file('dist/app.js', "isEnabled('checkout_v2')\n");
    file('.git/HEAD', 'checkout_v2\n');
    writeFileSync(join(source, 'logo.bin'), Buffer.from([0, 99, 104, 101, 99, 107, 111, 117, 116, 95, 118, 50]));
  });
  afterAll(cleanup);

  const cli = async (...argv: string[]) => {
    let out = '';
    const code = await runCli(argv, { out: (t) => (out += t), err: () => undefined, env: testCliEnv(), clock });
    return { code, out };
  };

  it('groups the stale flags by owner and lists every file:line that still references each, outside dependencies and build output', async () => {
    const { code, out } = await cli('cleanup-report', '--db', db, '--source', source, '--format', 'json');
    expect(code).toBe(0);
    const report = JSON.parse(out) as {
      owners: {
        owner: string;
        flags: { key: string; rules: string[]; ticket: string | null; references: { file: string; line: number }[] }[];
      }[];
    };
    expect(
      report.owners.map((o) => [
        o.owner,
        o.flags.map((f) => [f.key, f.rules, f.references.map((r) => `${r.file}:${r.line}`)]),
      ]),
    ).toEqual([
      ['growth', [['reco.test', ['EXPERIMENT_EXPIRED'], ['src/reco/ranker.ts:1']]]],
      ['payments', [['checkout_v2', ['RELEASE_FULLY_ROLLED_OUT'], ['src/payments.ts:3']]]],
    ]);
  });

  it('agrees with GET /v1/flags/stale', async () => {
    const report = JSON.parse((await cli('cleanup-report', '--db', db, '--format', 'json')).out) as {
      owners: { flags: { key: string; rules: string[] }[] }[];
    };
    const fromCli = report.owners
      .flatMap((o) => o.flags.map((f) => ({ key: f.key, rules: f.rules })))
      .sort((a, b) => (a.key < b.key ? -1 : 1));
    expect(fromCli).toEqual(staleOverHttp.map((f) => ({ key: f.key, rules: f.rules })));
  });

  it('writes a Markdown checklist per owner for the monthly cleanup', async () => {
    const { out } = await cli('cleanup-report', '--db', db, '--source', source);
    expect(out).toContain('## payments');
    expect(out).toContain(
      '- [ ] `checkout_v2` (release): RELEASE_FULLY_ROLLED_OUT; ticket PAY-9; 40 days old; last evaluated never',
    );
    expect(out).toContain("  - src/payments.ts:3 `if (flags.isEnabled('checkout_v2', { userId })) charge();`");
    expect(out).not.toContain('node_modules');
  });
});
