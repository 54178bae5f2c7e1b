import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run-cli.js';
import { sqliteOnly } from '../support/backend.js';
import { releaseFlag } from '../support/flags.js';
import { openRaw } from '../support/raw-database.js';
import { tempDir } from '../support/temp-dir.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { testCliEnv } from '../support/test-databases.js';

async function cli(
  ...argv: string[]
): Promise<{ code: number; out: string; err: string; json: Record<string, unknown> }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t), env: testCliEnv() });
  return { code, out, err, json: out ? (JSON.parse(out) as Record<string, unknown>) : {} };
}

describe('operator CLI', () => {
  const { dir, cleanup } = tempDir();
  const dbPath = join(dir, 'data', 'flagledger.db');
  const keyFile = join(dir, 'auditor-public-key.pem');
  const exportFile = join(dir, 'export.ndjson');
  /** What --db names: the SQLite file, or on PostgreSQL the database's URL. */
  let db: string;

  beforeAll(async () => {
    const t: TestApp = await startTestApp({ dbPath });
    db = t.dbPath;
    for (const key of ['alpha', 'beta', 'gamma']) {
      await t
        .http()
        .post('/v1/flags')
        .set('Authorization', t.auth('editor'))
        .send(releaseFlag(key, { reason: 'a "quoted", reason\nover lines' }))
        .expect(201);
      await t.http().post(`/v1/flags/${key}/enable`).set('Authorization', t.auth('editor')).expect(200);
    }
    await t.http().post('/v1/admin/checkpoints').set('Authorization', t.auth('admin')).expect(201);
    await t
      .http()
      .put('/v1/flags/alpha/rollout')
      .set('Authorization', t.auth('editor'))
      .send({ percentage: 25 })
      .expect(200);
    writeFileSync(
      keyFile,
      (await t.http().get('/v1/audit/public-key').set('Authorization', t.auth('viewer'))).body.publicKeyPem,
    );
    const exported = await t
      .http()
      .get('/v1/export?format=ndjson')
      .set('Authorization', t.auth('viewer'))
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => done(null, text));
      });
    expect(exported.status).toBe(200);
    writeFileSync(exportFile, exported.body as string);
    await t.close();
  });
  afterAll(cleanup);

  // SQLite only: `verify` reads a database file offline; on PostgreSQL it refuses (tested below) and
  // GET /v1/audit/verify verifies instead.
  sqliteOnly('verify: checks a database file offline with the auditor’s public key', async () => {
    const result = await cli('verify', '--db', dbPath, '--public-key', keyFile);
    expect(result.code).toBe(0);
    expect(result.json).toMatchObject({ ok: true, events: 7, headSeq: 7, checkpoints: 1, publicKey: 'given' });
  });

  it('verify-export: accepts an untouched export and its signed checkpoint', async () => {
    const result = await cli('verify-export', exportFile, '--public-key', keyFile);
    expect(result.json).toMatchObject({ ok: true, rows: 7, complete: true, checkpoint: 'verified' });
    expect(result.code).toBe(0);
  });

  it('verify-export: names the first bad seq of an edited row, and refuses a truncated file', async () => {
    const lines = readFileSync(exportFile, 'utf8').trimEnd().split('\n');
    const edited = join(dir, 'edited.ndjson');
    writeFileSync(
      edited,
      lines.map((l, i) => (i === 3 ? l.replace('"actor":"alice"', '"actor":"mallory"') : l)).join('\n'),
    );
    expect(await cli('verify-export', edited, '--public-key', keyFile)).toMatchObject({
      code: 1,
      json: { ok: false, firstBadSeq: 4 },
    });
    const truncated = join(dir, 'truncated.ndjson');
    writeFileSync(truncated, lines.slice(0, 4).join('\n'));
    expect(await cli('verify-export', truncated)).toMatchObject({ code: 1, json: { ok: false } });
  });

  it('export: writes the same NDJSON as the HTTP route, and a filtered CSV, to files', async () => {
    const ndjson = join(dir, 'cli-export.ndjson');
    const result = await cli('export', '--db', db, '--out', ndjson);
    expect(result.code).toBe(0);
    const fromHttp = readFileSync(exportFile, 'utf8').trimEnd().split('\n');
    const fromCli = readFileSync(ndjson, 'utf8').trimEnd().split('\n');
    expect(fromCli.slice(0, -1)).toEqual(fromHttp.slice(0, -1));
    expect(await cli('verify-export', ndjson, '--public-key', keyFile)).toMatchObject({
      code: 0,
      json: { ok: true, rows: 7 },
    });

    const csv = join(dir, 'cli-export.csv');
    expect(
      (
        await cli(
          'export',
          '--db',
          db,
          '--format',
          'csv',
          '--type',
          'FlagEnabled',
          '--type',
          'FlagRolloutChanged',
          '--out',
          csv,
        )
      ).code,
    ).toBe(0);
    const lines = readFileSync(csv, 'utf8').trimEnd().split('\r\n');
    expect(lines).toHaveLength(1 + 4);
    expect(lines[0]).toBe('seq,streamId,version,type,actor,at,reason,data,prevHash,hash');
  });

  it('export: refuses a filter the HTTP route would refuse', async () => {
    await expect(cli('export', '--db', db, '--type', 'NoSuchEvent')).rejects.toThrow(/type/);
  });

  it('rebuild: replays the projections into identical tables', async () => {
    const dump = () => {
      const raw = openRaw(dbPath);
      const rows = JSON.stringify([
        raw.prepare('SELECT * FROM flag_state ORDER BY key').all(),
        raw.prepare('SELECT * FROM audit_trail ORDER BY seq').all(),
      ]);
      raw.close();
      return rows;
    };
    const before = dump();
    const result = await cli('rebuild', '--db', db);
    expect(result).toMatchObject({ code: 0, json: { headSeq: 7 } });
    expect(dump()).toBe(before);
  });

  // SQLite only: tampers with the file (its trigger names) and verifies it offline.
  sqliteOnly('verify: fails with exit code 1 once the database was tampered with', async () => {
    const db = openRaw(dbPath);
    db.exec('DROP TRIGGER events_refuse_update');
    db.prepare(`UPDATE events SET reason = 'nothing to see' WHERE seq = 2`).run();
    db.close();
    expect(await cli('verify', '--db', dbPath)).toMatchObject({ code: 1, json: { ok: false, firstBadSeq: 2 } });
  });

  it('verify: refuses a PostgreSQL database with exit code 2, pointing at GET /v1/audit/verify', async () => {
    const result = await cli('verify', '--db', 'postgres://flagledger:secret@db.internal/flagledger');
    expect(result.code).toBe(2);
    expect(result.err).toBe(
      'verify reads a SQLite file; on PostgreSQL (postgres://flagledger:***@db.internal/flagledger) ask a server: GET /v1/audit/verify\n',
    );
  });

  it('answers an unknown command with its usage and exit code 2', async () => {
    const result = await cli('frobnicate');
    expect(result.code).toBe(2);
    expect(result.err).toContain('usage: npm run cli');
  });
});
