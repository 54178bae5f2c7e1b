import type { Kysely } from 'kysely';
import type { Database } from '../database/index.js';
import type { ManifestCheckpoint } from './export-manifest.js';

/** The newest signed checkpoint covering at most `headSeq`, or null when none was signed yet. */
export async function latestSignedCheckpoint(
  db: Kysely<Database>,
  headSeq: number,
): Promise<ManifestCheckpoint | null> {
  const row = await db
    .selectFrom('signed_checkpoints')
    .select(['seq', 'hash', 'at', 'signature', 'key_id'])
    .where('seq', '<=', headSeq)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined
    ? null
    : { seq: row.seq, hash: row.hash, at: row.at, signature: row.signature, keyId: row.key_id };
}
