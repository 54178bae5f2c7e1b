import type { Kysely } from 'kysely';
import type { Database } from '../database/index.js';
import { FLAG_STATE_EVENT_TYPES } from '../flags/index.js';

/** The last event that changed what a client evaluates for one flag in one environment. */
export interface LatestFlagChange {
  seq: number;
  type: string;
  at: string;
  actor: string;
}

/**
 * What an SDK must have applied to answer as the server does now (docs/contract.md §11 convergence): the
 * flag's last state event in `environment`, or its last creation, archive or restore, which change it in
 * every environment. FlagDetailsChanged is left out: owner, expiry and description change no answer, and
 * counting it would report a fleet that answers correctly as lagging. A state event written before
 * environments (environment NULL) is the default environment's. Undefined for a key that is no flag.
 */
export async function latestFlagChange(
  db: Kysely<Database>,
  key: string,
  environment: string,
  defaultEnvironment: string,
): Promise<LatestFlagChange | undefined> {
  const row = await db
    .selectFrom('audit_trail')
    .select(['seq', 'type', 'at', 'actor'])
    .where('flag_key', '=', key)
    .where('type', '!=', 'FlagDetailsChanged')
    .where((eb) =>
      eb.or([
        eb('type', 'not in', [...FLAG_STATE_EVENT_TYPES]),
        eb('environment', '=', environment),
        ...(environment === defaultEnvironment ? [eb('environment', 'is', null)] : []),
      ]),
    )
    // audit_trail_flag_index (flag_key, seq), read backwards: the first row that matches is the answer.
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? undefined : { seq: Number(row.seq), type: row.type, at: row.at, actor: row.actor };
}
