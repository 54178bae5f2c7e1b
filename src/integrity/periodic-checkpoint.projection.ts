import { Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { Database } from '../database/index.js';
import { type StoredEvent, type TransactionalProjection, ProjectionRegistry } from '../event-store/index.js';
import { SignedCheckpoints } from './signed-checkpoints.js';

/** A checkpoint is signed at every multiple of this seq. */
export const CHECKPOINT_EVERY = 1000;

/**
 * Signs the chain head at every 1,000th event inside the append's transaction, so the event and the
 * signature that vouches for it commit together. Not rebuildable: checkpoints are facts about the log,
 * not a view of it.
 */
@Injectable()
export class PeriodicCheckpointProjection implements TransactionalProjection {
  readonly name = 'signed_checkpoints';

  constructor(
    registry: ProjectionRegistry,
    private readonly checkpoints: SignedCheckpoints,
  ) {
    registry.register(this);
  }

  async apply(db: Kysely<Database>, events: readonly StoredEvent[]): Promise<void> {
    for (const event of events) {
      if (event.seq % CHECKPOINT_EVERY === 0)
        await this.checkpoints.sign({ seq: event.seq, hash: event.hash, at: event.at }, db);
    }
  }
}
