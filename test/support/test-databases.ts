// Before any src module: their decorators read Reflect metadata as they load, and a spec may import this
// file (through raw-database.ts) before test-app.ts.
import 'reflect-metadata';
import { generateKeyPairSync } from 'node:crypto';
import { openPostgresDatabase } from '../../src/database/postgres/open-postgres-database.js';
import { backend, jestGlobals } from './backend.js';
import { createTemplateDatabase, type TemplateDatabase, type TestDatabase } from './postgres-test-database.js';
import { isPostgresUrl } from './psql.js';

// PostgreSQL: one migrated template per test file, a clone per database, all dropped after the file.
let template: Promise<TemplateDatabase> | undefined;
const pgDatabases = new Map<string, TestDatabase>();
/** All instances on a database must sign with the same key; one per test file is enough. */
let pgSigningKey: string | undefined;
export const postgresSigningKey = (): string =>
  (pgSigningKey ??= generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
/** The environment the CLI needs beside `--db` on the suite's backend: on PostgreSQL, the apps' signing key. */
export function testCliEnv(): NodeJS.ProcessEnv {
  return backend === 'postgres' ? { FLAGLEDGER_SIGNING_KEY: postgresSigningKey() } : {};
}

jestGlobals.afterAll?.(async () => {
  for (const database of pgDatabases.values()) await database.drop();
  pgDatabases.clear();
  if (template !== undefined) await (await template).drop();
  template = undefined;
});

/**
 * The PostgreSQL database standing for `dbPath`: the URL itself, the database an earlier call made for
 * the same path (tests restart "the same file"), or a fresh clone of the migrated template.
 */
export async function postgresDatabaseFor(dbPath: string | undefined): Promise<string> {
  if (dbPath !== undefined && isPostgresUrl(dbPath)) return dbPath;
  const known = dbPath === undefined ? undefined : pgDatabases.get(dbPath);
  if (known !== undefined) return known.url;
  template ??= createTemplateDatabase(async (url) => (await openPostgresDatabase(url)).db.destroy());
  const database = await (await template).clone();
  pgDatabases.set(dbPath ?? database.url, database);
  return database.url;
}

/** Whether `dbPath` (a TestApp's, or a path an app was started with) names a PostgreSQL database. */
export const isPostgresDatabase = (dbPath: string): boolean => isPostgresUrl(dbPath) || pgDatabases.has(dbPath);

/** The PostgreSQL URL for a TestApp's `dbPath` (or a path an app was started with). */
export function postgresUrlOf(dbPath: string): string {
  if (isPostgresUrl(dbPath)) return dbPath;
  const database = pgDatabases.get(dbPath);
  if (database === undefined) throw new Error(`no PostgreSQL test database was started for ${dbPath}`);
  return database.url;
}
