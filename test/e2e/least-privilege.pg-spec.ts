import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { runCli, type CliIo } from '../../src/cli/run-cli.js';
import type { Database } from '../../src/database/database.js';
import { rewritableAppendOnlyTables } from '../../src/database/postgres/app-role-grants.js';
import { EvaluationTelemetry } from '../../src/telemetry/evaluation-telemetry.js';
import { releaseFlag } from '../support/flags.js';
import { asAdmin, testPostgresUrl } from '../support/postgres-test-database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

// Without a server the whole suite fails here, rather than skipping: see testPostgresUrl.
const adminUrl = testPostgresUrl();

/**
 * The README's least-privilege setup, as written: a superuser creates an owner role, an app role and a
 * database the owner owns; the owner runs `postgres-setup`; instances connect as the app role. What is
 * checked: the app does everything a server does with those grants, and cannot rewrite the log.
 */
describe('PostgreSQL least privilege: the owner migrates, instances run as an app role that can only append to the log', () => {
  const suffix = randomBytes(4).toString('hex');
  const owner = { name: `fl_owner_${suffix}`, password: randomBytes(12).toString('hex') };
  const appRole = { name: `fl_app_${suffix}`, password: randomBytes(12).toString('hex') };
  const database = `t_least_privilege_${suffix}`;
  const urlAs = (role: { name: string; password: string }) => {
    const url = new URL(adminUrl);
    url.username = role.name;
    url.password = role.password;
    url.pathname = `/${database}`;
    return url.toString();
  };
  let t: TestApp | undefined;
  const clients: pg.Client[] = [];

  const admin = (statement: string) => asAdmin(adminUrl, statement);
  const connectAs = async (role: { name: string; password: string }) => {
    const client = new pg.Client({ connectionString: urlAs(role) });
    await client.connect();
    clients.push(client);
    return client;
  };
  const cli = async (argv: string[]) => {
    const io: CliIo & { stdout: string; stderr: string } = {
      stdout: '',
      stderr: '',
      out: (text) => (io.stdout += text),
      err: (text) => (io.stderr += text),
      env: {},
    };
    const code = await runCli(argv, io);
    return { code, stdout: io.stdout, stderr: io.stderr };
  };

  beforeAll(async () => {
    await admin(`CREATE ROLE ${owner.name} LOGIN PASSWORD '${owner.password}'`);
    await admin(`CREATE ROLE ${appRole.name} LOGIN PASSWORD '${appRole.password}'`);
    await admin(`CREATE DATABASE ${database} OWNER ${owner.name}`);
  });

  afterAll(async () => {
    await t?.close();
    for (const client of clients) await client.end().catch(() => undefined);
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin(`DROP ROLE IF EXISTS ${appRole.name}`);
    await admin(`DROP ROLE IF EXISTS fl_member_${suffix}`);
    await admin(`DROP ROLE IF EXISTS ${owner.name}`);
  });

  it('postgres-setup, run as the owner, migrates and grants SELECT + INSERT on the append-only tables, DML on projections; running it again changes nothing', async () => {
    const first = await cli(['postgres-setup', '--app-role', appRole.name, '--db', urlAs(owner)]);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    const result = JSON.parse(first.stdout) as { ok: boolean; database: string; grants: Record<string, unknown> };
    expect(result.database).not.toContain(owner.password);
    expect(result.grants).toEqual({
      role: appRole.name,
      schema: 'public',
      appendOnly: ['events', 'idempotency_records', 'signed_checkpoints'],
      readWrite: [
        'audit_trail',
        'client_sightings',
        'console_sessions',
        'flag_evaluation_counts',
        'flag_last_evaluated',
        'flag_snapshots',
        'flag_state',
        'projection_checkpoints',
        'token_last_used',
      ],
      readOnly: ['kysely_migration', 'kysely_migration_lock'],
    });

    const again = await cli(['postgres-setup', '--app-role', appRole.name, '--db', urlAs(owner)]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual(result);

    const superuserClient = new pg.Client({ connectionString: new URL(`/${database}`, adminUrl).toString() });
    await superuserClient.connect();
    clients.push(superuserClient);
    const privileges = await superuserClient.query<{ table: string; privileges: string }>(
      `SELECT table_name AS table, string_agg(privilege_type, ',' ORDER BY privilege_type) AS privileges
       FROM information_schema.role_table_grants WHERE grantee = $1 GROUP BY table_name ORDER BY table_name`,
      [appRole.name],
    );
    expect(Object.fromEntries(privileges.rows.map((r) => [r.table, r.privileges]))).toEqual({
      audit_trail: 'DELETE,INSERT,SELECT,UPDATE',
      client_sightings: 'DELETE,INSERT,SELECT,UPDATE',
      console_sessions: 'DELETE,INSERT,SELECT,UPDATE',
      events: 'INSERT,SELECT',
      flag_evaluation_counts: 'DELETE,INSERT,SELECT,UPDATE',
      flag_last_evaluated: 'DELETE,INSERT,SELECT,UPDATE',
      flag_snapshots: 'DELETE,INSERT,SELECT,UPDATE',
      flag_state: 'DELETE,INSERT,SELECT,UPDATE',
      idempotency_records: 'INSERT,SELECT',
      kysely_migration: 'SELECT',
      kysely_migration_lock: 'SELECT',
      projection_checkpoints: 'DELETE,INSERT,SELECT,UPDATE',
      signed_checkpoints: 'INSERT,SELECT',
      token_last_used: 'DELETE,INSERT,SELECT,UPDATE',
    });
  });

  it('a server running as the app role does all a server does: commands, idempotent replays, evaluation, telemetry, checkpoints, rebuild, verify', async () => {
    t = await startTestApp({ backend: 'postgres', dbPath: urlAs(appRole) });
    const created = await t
      .http()
      .post('/v1/flags')
      .set('Authorization', t.auth('editor'))
      .set('Idempotency-Key', 'lp-create')
      .send(releaseFlag('least_privilege'));
    expect(created.status).toBe(201);
    const replayed = await t
      .http()
      .post('/v1/flags')
      .set('Authorization', t.auth('editor'))
      .set('Idempotency-Key', 'lp-create')
      .send(releaseFlag('least_privilege'));
    expect(replayed.status).toBe(201);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    await t
      .http()
      .post('/v1/flags/least_privilege/enable')
      .set('Authorization', t.auth('editor'))
      .send({ reason: 'go' })
      .expect(200);
    await t
      .http()
      .put('/v1/flags/least_privilege/rollout')
      .set('Authorization', t.auth('editor'))
      .send({ percentage: 60 })
      .expect(200);

    const evaluated = await t
      .http()
      .post('/v1/evaluate')
      .set('Authorization', t.auth('evaluator'))
      .send({ flagKey: 'least_privilege', context: { userId: 'u-1' } });
    expect(evaluated.status).toBe(200);
    expect(evaluated.body).toMatchObject({ flagKey: 'least_privilege', flagVersion: 3 });
    await t.app.get(EvaluationTelemetry).flush();
    const read = await t.http().get('/v1/flags/least_privilege').set('Authorization', t.auth('viewer')).expect(200);
    expect(read.body.lastEvaluatedAt).not.toBeNull();

    await t.http().post('/v1/admin/checkpoints').set('Authorization', t.auth('admin')).expect(201);
    const rebuilt = await t.http().post('/v1/admin/projections/rebuild').set('Authorization', t.auth('admin'));
    expect(rebuilt.status).toBeLessThan(300);
    const verified = await t.http().get('/v1/audit/verify').set('Authorization', t.auth('viewer')).expect(200);
    expect(verified.body).toMatchObject({ ok: true, events: 3, headSeq: 3, checkpoints: 1 });
    const after = await t.http().get('/v1/flags/least_privilege').set('Authorization', t.auth('viewer')).expect(200);
    expect(after.body).toMatchObject({ enabled: true, rolloutPercentage: 60, version: 3 });
  });

  it.each([
    ['UPDATE events', `UPDATE events SET actor = 'mallory'`],
    ['DELETE FROM events', 'DELETE FROM events'],
    ['TRUNCATE events', 'TRUNCATE events'],
    ['disable the append-only trigger', 'ALTER TABLE events DISABLE TRIGGER events_append_only'],
    ['drop the append-only trigger', 'DROP TRIGGER events_append_only ON events'],
    [
      'replace the trigger function',
      `CREATE OR REPLACE FUNCTION flagledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$`,
    ],
    ['DROP TABLE events', 'DROP TABLE events'],
    ['rename events away', 'ALTER TABLE events RENAME TO events_old'],
    ['UPDATE signed_checkpoints', `UPDATE signed_checkpoints SET signature = 'forged'`],
    ['DELETE FROM signed_checkpoints', 'DELETE FROM signed_checkpoints'],
    ['UPDATE idempotency_records', `UPDATE idempotency_records SET body = '{}'`],
    ['DELETE FROM idempotency_records', 'DELETE FROM idempotency_records'],
    ['record a migration', `INSERT INTO kysely_migration (name, timestamp) VALUES ('9999-forged', 'now')`],
  ])('the app role cannot %s: refused for lack of privilege, the log unchanged', async (_what, statement) => {
    const app = await connectAs(appRole);
    const before = await app.query<{ n: string }>('SELECT count(*) AS n FROM events');
    await expect(app.query(statement)).rejects.toMatchObject({ code: '42501' });
    const after = await app.query<{ n: string }>('SELECT count(*) AS n FROM events');
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
    expect(Number(after.rows[0]!.n)).toBe(3);
  });

  it('the app role holds no rewriting privilege on the append-only tables (no start-up warning); the owner does, and the trigger still refuses it', async () => {
    const asRole = (role: { name: string; password: string }) =>
      new Kysely<Database>({
        dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: urlAs(role), max: 1 }) }),
      });
    const app = asRole(appRole);
    const own = asRole(owner);
    try {
      expect(await rewritableAppendOnlyTables(app)).toEqual([]);
      expect(await rewritableAppendOnlyTables(own)).toEqual(['events', 'idempotency_records', 'signed_checkpoints']);
    } finally {
      await app.destroy();
      await own.destroy();
    }
    const ownerClient = await connectAs(owner);
    await expect(ownerClient.query(`UPDATE events SET actor = 'mallory'`)).rejects.toThrow(
      /append-only: UPDATE refused/,
    );
  });

  it('postgres-setup refuses an app role that could rewrite the log or does not exist, and a SQLite database', async () => {
    await expect(cli(['postgres-setup', '--app-role', owner.name, '--db', urlAs(owner)])).rejects.toThrow(
      /connected as 'fl_owner_\w+' itself/,
    );
    await admin(`CREATE ROLE fl_member_${suffix} LOGIN IN ROLE ${owner.name}`);
    await expect(cli(['postgres-setup', '--app-role', `fl_member_${suffix}`, '--db', urlAs(owner)])).rejects.toThrow(
      /is, or is a member of, 'fl_owner_\w+', which owns the tables/,
    );
    // Run by a superuser, the check is still against the tables' owner, not against whoever is connected.
    const asSuperuser = new URL(`/${database}`, adminUrl).toString();
    await expect(cli(['postgres-setup', '--app-role', `fl_member_${suffix}`, '--db', asSuperuser])).rejects.toThrow(
      /is, or is a member of, 'fl_owner_\w+', which owns the tables/,
    );
    await expect(cli(['postgres-setup', '--app-role', appRole.name, '--db', urlAs(appRole)])).rejects.toThrow(
      /connected as 'fl_app_\w+' itself: run it as the role that owns/,
    );
    const superuser = new URL(adminUrl).username;
    await expect(cli(['postgres-setup', '--app-role', superuser, '--db', urlAs(owner)])).rejects.toThrow(
      /is a superuser/,
    );
    await expect(cli(['postgres-setup', '--app-role', `fl_nobody_${suffix}`, '--db', urlAs(owner)])).rejects.toThrow(
      /does not exist: create it first/,
    );
    const noRole = await cli(['postgres-setup', '--db', urlAs(owner)]);
    expect(noRole).toMatchObject({ code: 2, stderr: expect.stringContaining('needs --app-role') });
    const sqlite = await cli(['postgres-setup', '--app-role', appRole.name, '--db', '/tmp/flagledger-not-postgres.db']);
    expect(sqlite).toMatchObject({ code: 2, stderr: expect.stringContaining('needs a PostgreSQL URL') });
  });
});
