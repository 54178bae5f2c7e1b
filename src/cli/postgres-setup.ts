import { describeDatabase, parseDatabase } from '../config/index.js';
import { grantAppRole, type AppRoleGrants, openPostgresDatabase } from '../database/index.js';

export type PostgresSetupResult =
  { ok: true; database: string; migrated: true; grants: AppRoleGrants } | { ok: false; error: string };

/**
 * `postgres-setup`: run as the role that owns the database, once and after every upgrade. Migrates the
 * schema (as the server would at start), then grants the app role what instances need (see grantAppRole).
 * Needs no signing key or tokens: it touches no event.
 */
export async function postgresSetup(
  dbValue: string | undefined,
  appRole: string | undefined,
): Promise<PostgresSetupResult> {
  const database = parseDatabase(dbValue);
  if (database.kind !== 'postgres')
    return {
      ok: false,
      error: `postgres-setup needs a PostgreSQL URL in --db or FLAGLEDGER_DB, got ${describeDatabase(database)}`,
    };
  if (appRole === undefined || appRole.trim() === '')
    return { ok: false, error: 'postgres-setup needs --app-role <role>: the login role the instances connect as' };
  const { db } = await openPostgresDatabase(database.url, { maxConnections: 1 });
  try {
    return { ok: true, database: describeDatabase(database), migrated: true, grants: await grantAppRole(db, appRole) };
  } finally {
    await db.destroy();
  }
}
