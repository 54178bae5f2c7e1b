import type { Kysely } from 'kysely';
import type { Database } from '../database/index.js';
import type { SignedCheckpoint } from './checkpoint-signature.js';

/**
 * The newest signed checkpoint covering at most `headSeq`, or null when none was signed yet. A plain read
 * of this slice's table, needing no signing key: the export (server and CLI) puts it in its manifest.
 */
export async function latestSignedCheckpoint(db: Kysely<Database>, headSeq: number): Promise<SignedCheckpoint | null> {
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
