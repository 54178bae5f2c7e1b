import { Migrator, type Kysely } from 'kysely';
import type { Database } from './database.js';
import { staticMigrationProvider } from './migrations/index.js';

/**
 * Applies the migrations `db` has not seen yet. On failure it closes `db` (an opener hands back no
 * half-ready connection) and throws naming the migration that failed.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  try {
    const { error, results } = await new Migrator({ db, provider: staticMigrationProvider }).migrateToLatest();
    const failed = results?.find((r) => r.status === 'Error');
    if (error !== undefined || failed !== undefined)
      throw new Error(`database migration failed${failed ? ` at ${failed.migrationName}` : ''}: ${String(error)}`);
  } catch (error) {
    await db.destroy();
    throw error;
  }
}
