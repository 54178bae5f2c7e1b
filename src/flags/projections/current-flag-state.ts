import type { Kysely } from 'kysely';
import type { Database } from '../../database/index.js';
import { parseFlagRecord, type FlagRecord } from '../flag-state.js';

/**
 * A flag's current record from the flag_state table, which commits with every append: one indexed read,
 * however long the flag's history, and never behind or ahead of the log.
 */
export async function readCurrentFlagRecord(
  db: Kysely<Database>,
  key: string,
  defaultEnvironment: string,
): Promise<FlagRecord | undefined> {
  const row = await db.selectFrom('flag_state').select('state').where('key', '=', key).executeTakeFirst();
  return row === undefined ? undefined : parseFlagRecord(row.state, defaultEnvironment);
}
