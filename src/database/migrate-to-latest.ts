import { Migrator, type Kysely } from 'kysely';
import type { Database } from './database.js';
import { staticMigrationProvider } from './migrations/index.js';

/** Applies the migrations `db` has not seen yet; throws naming the one that failed. */
export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider: staticMigrationProvider }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error !== undefined || failed !== undefined) {
    throw new Error(`database migration failed${failed ? ` at ${failed.migrationName}` : ''}: ${String(error)}`);
  }
}
