import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.js';

/**
 * Tables the server only ever reads and appends to: the log, the signed checkpoints over it, and the
 * recorded answers to idempotent commands. The app role gets SELECT and INSERT on them and nothing more,
 * so neither a bug nor a stolen app password can rewrite history, and the append-only triggers (which
 * only the tables' owner could disable or drop) are a second wall, not the only one.
 */
export const APPEND_ONLY_TABLES = ['events', 'signed_checkpoints', 'idempotency_records'] as const;

/** Kysely's record of applied migrations: an instance starting as the app role reads it and finds nothing to do. */
const MIGRATION_TABLES = ['kysely_migration', 'kysely_migration_lock'] as const;

export interface AppRoleGrants {
  role: string;
  schema: string;
  appendOnly: string[];
  /** Projections (rewritten by every append and by a rebuild) and telemetry counters. */
  readWrite: string[];
  readOnly: string[];
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Grants an existing login role what a Flagledger instance needs on a database migrated by its owner,
 * and no more: SELECT + INSERT on the append-only tables, full DML on the projection tables, SELECT on the
 * migration records, CREATE on the database (a rebuild replays into a scratch schema of its own). Run as
 * the owner after every migration: it first revokes whatever the role had on the schema's tables, so a
 * wider grant made by hand earlier does not survive it. A table is append-only if it is listed above or
 * carries an append-only trigger, so a later migration's append-only table is never granted UPDATE by
 * omission.
 */
export async function grantAppRole(db: Kysely<Database>, role: string): Promise<AppRoleGrants> {
  // The log's owner, not merely whoever runs this: a superuser may run the setup for tables another role owns.
  const found = await sql<{
    superuser: boolean;
    connectedAs: string;
    owner: string;
    inheritsOwner: boolean;
    schema: string;
    database: string;
  }>`
    WITH log AS (SELECT relowner FROM pg_class WHERE oid = to_regclass('events'))
    SELECT r.rolsuper AS superuser, current_user AS "connectedAs", pg_get_userbyid(log.relowner) AS owner,
           pg_has_role(r.oid, log.relowner, 'MEMBER') AS "inheritsOwner", current_schema() AS schema, current_database() AS database
    FROM pg_roles r LEFT JOIN log ON true WHERE r.rolname = ${role}`.execute(db);
  const self = found.rows[0];
  if (self === undefined)
    throw new Error(`role '${role}' does not exist: create it first (CREATE ROLE ${quoted(role)} LOGIN PASSWORD '…')`);
  if (role === self.connectedAs)
    throw new Error(
      `postgres-setup is connected as '${role}' itself: run it as the role that owns the database and its tables, naming '${role}' as the app role`,
    );
  // Each of these could disable the append-only triggers or bypass the grants altogether.
  if (self.superuser) throw new Error(`role '${role}' is a superuser: the app role must be an ordinary login role`);
  if (self.inheritsOwner)
    throw new Error(
      `role '${role}' is, or is a member of, '${self.owner}', which owns the tables: the app role must be a role of its own`,
    );
  const { schema, database } = self;

  const tables = (await db.introspection.getTables({ withInternalKyselyTables: true }))
    .filter((t) => !t.isView && t.schema === schema)
    .map((t) => t.name);
  const triggered = await sql<{ table: string }>`
    SELECT c.relname AS table FROM pg_trigger t
    JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
    WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = ${schema}) AND p.proname = 'flagledger_refuse_change'`.execute(
    db,
  );
  const appendOnly = new Set<string>([...APPEND_ONLY_TABLES, ...triggered.rows.map((r) => r.table)]);

  const grants: AppRoleGrants = { role, schema, appendOnly: [], readWrite: [], readOnly: [] };
  for (const table of tables.sort()) {
    if (appendOnly.has(table)) grants.appendOnly.push(table);
    else if ((MIGRATION_TABLES as readonly string[]).includes(table)) grants.readOnly.push(table);
    else grants.readWrite.push(table);
  }
  const missing = APPEND_ONLY_TABLES.filter((t) => !grants.appendOnly.includes(t));
  if (missing.length > 0) throw new Error(`schema '${schema}' has no ${missing.join(', ')}: migrate it first`);

  const grantee = quoted(role);
  const on = (names: string[]) => names.map((t) => `${quoted(schema)}.${quoted(t)}`).join(', ');
  await db.transaction().execute(async (trx) => {
    await sql.raw(`REVOKE ALL ON ALL TABLES IN SCHEMA ${quoted(schema)} FROM ${grantee}`).execute(trx);
    await sql.raw(`GRANT USAGE ON SCHEMA ${quoted(schema)} TO ${grantee}`).execute(trx);
    await sql.raw(`GRANT SELECT, INSERT ON ${on(grants.appendOnly)} TO ${grantee}`).execute(trx);
    if (grants.readWrite.length > 0)
      await sql.raw(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${on(grants.readWrite)} TO ${grantee}`).execute(trx);
    if (grants.readOnly.length > 0) await sql.raw(`GRANT SELECT ON ${on(grants.readOnly)} TO ${grantee}`).execute(trx);
    await sql.raw(`GRANT CONNECT, CREATE ON DATABASE ${quoted(database)} TO ${grantee}`).execute(trx);
  });
  return grants;
}

/**
 * The append-only tables this connection's role could rewrite: it owns them (and so could disable their
 * triggers) or holds UPDATE, DELETE or TRUNCATE on them. Empty for a role set up by grantAppRole. The
 * server warns at start when it is not, since then only the triggers stand between a bug or a stolen
 * password and the history.
 */
export async function rewritableAppendOnlyTables(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ table: string }>`
    SELECT c.relname AS table FROM pg_class c
    WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()) AND c.relkind = 'r' AND c.relname = ANY(${[...APPEND_ONLY_TABLES]})
      AND (pg_has_role(current_user, c.relowner, 'USAGE')
           OR has_table_privilege(c.oid, 'UPDATE') OR has_table_privilege(c.oid, 'DELETE') OR has_table_privilege(c.oid, 'TRUNCATE'))
    ORDER BY c.relname`.execute(db);
  return rows.map((r) => r.table);
}
