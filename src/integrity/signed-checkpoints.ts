import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { DATABASE, type Database } from '../database/index.js';
import { CLOCK, type Clock } from '../shared/index.js';
import { signChainPoint, type ChainPoint, type SignedCheckpoint } from './checkpoint-signature.js';
import { toSignedCheckpoint } from './signed-checkpoint.table.js';
import { SIGNING_KEY, type SigningKey } from './signing-key.js';

/** The append-only table of signed chain heads. */
@Injectable()
export class SignedCheckpoints {
  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(SIGNING_KEY) private readonly key: SigningKey,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async all(db: Kysely<Database> = this.db): Promise<SignedCheckpoint[]> {
    const rows = await db.selectFrom('signed_checkpoints').selectAll().orderBy('seq').execute();
    return rows.map(toSignedCheckpoint);
  }

  /** The checkpoint with the highest seq, or null before the first is signed. */
  async newest(): Promise<SignedCheckpoint | null> {
    const row = await this.db
      .selectFrom('signed_checkpoints')
      .selectAll()
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? null : toSignedCheckpoint(row);
  }

  /** Signs the point unless it is signed already; returns the stored checkpoint and whether it is new. */
  async sign(
    point: ChainPoint,
    db: Kysely<Database> = this.db,
  ): Promise<{ checkpoint: SignedCheckpoint; created: boolean }> {
    const checkpoint: SignedCheckpoint = {
      ...point,
      signature: signChainPoint(point, this.key.privateKey),
      keyId: this.key.keyId,
    };
    const result = await db
      .insertInto('signed_checkpoints')
      .values({
        seq: point.seq,
        hash: point.hash,
        at: point.at,
        signature: checkpoint.signature,
        key_id: checkpoint.keyId,
        signed_at: this.clock.now().toISOString(),
      })
      .onConflict((oc) => oc.column('seq').doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0n) === 1) return { checkpoint, created: true };
    const existing = await db
      .selectFrom('signed_checkpoints')
      .selectAll()
      .where('seq', '=', point.seq)
      .executeTakeFirstOrThrow();
    return { checkpoint: toSignedCheckpoint(existing), created: false };
  }
}
