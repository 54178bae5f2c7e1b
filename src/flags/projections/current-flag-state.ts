import type { Kysely } from 'kysely';
import type { Database } from '../../database/index.js';
import type { FlagState } from '../flag-state.js';

/**
 * A flag's current state from the flag_state table, which commits with every append: one indexed read,
 * however long the flag's history, and never behind or ahead of the log.
 */
export async function readCurrentFlagState(db: Kysely<Database>, key: string): Promise<FlagState | undefined> {
  const row = await db.selectFrom('flag_state').select('state').where('key', '=', key).executeTakeFirst();
  return row === undefined ? undefined : (JSON.parse(row.state) as FlagState);
}
