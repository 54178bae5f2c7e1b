import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.js';
import { within, type StoreProbe } from '../store-probe.js';

/**
 * Whether PostgreSQL answers, within the database timeout. It reads only: a database that is up but
 * out of disk passes, and the next append finds out again (the store is then marked down once more).
 */
export function postgresStoreProbe(db: Kysely<Database>, timeoutMs: number): StoreProbe {
  return async () => {
    await within(timeoutMs, sql`SELECT 1`.execute(db), 'PostgreSQL');
  };
}
