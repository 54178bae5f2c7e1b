import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { DATABASE, dialectSql, type Database } from '../../database/index.js';
import { CLOCK, PeriodicFlush, type Clock } from '../../shared/index.js';
import { TELEMETRY_FLUSH_INTERVAL } from '../../telemetry/index.js';

/**
 * When each token last authenticated a request (docs/contract.md §9 `lastUsedAt`): noted in memory on the
 * request path (one map write, no I/O), written to the database with telemetry's cadence and at
 * shutdown, each instance keeping the later of its time and the stored one. Not events: a use changes
 * nothing, and losing the last few seconds in a crash is acceptable. The map holds only tokens that
 * authenticated, so it grows with the tokens admins issue, never with what a caller sends.
 */
@Injectable()
export class TokenLastUsed extends PeriodicFlush {
  private readonly logger = new Logger(TokenLastUsed.name);
  /** token id → ms of its last use not yet written */
  private pending = new Map<string, number>();

  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(TELEMETRY_FLUSH_INTERVAL) flushIntervalMs: number,
  ) {
    super(flushIntervalMs);
  }

  /** The token authenticated a request now. */
  used(tokenId: string): void {
    this.pending.set(tokenId, this.clock.now().getTime());
  }

  /** Every token's last use (ISO), stored or not yet written. */
  async all(): Promise<Map<string, string>> {
    const rows = await this.db.selectFrom('token_last_used').select(['token_id', 'at']).execute();
    const lastUsed = new Map(rows.map((row) => [row.token_id, row.at]));
    for (const [tokenId, at] of this.pending) {
      const iso = new Date(at).toISOString();
      if ((lastUsed.get(tokenId) ?? '') < iso) lastUsed.set(tokenId, iso);
    }
    return lastUsed;
  }

  protected async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      // The later of two instants: SQLite's scalar max(a, b) is PostgreSQL's greatest(a, b).
      const greatest = dialectSql(this.db, { sqlite: 'max', postgres: 'greatest' } as const);
      await this.db.transaction().execute(async (trx) => {
        for (const [tokenId, at] of batch)
          await trx
            .insertInto('token_last_used')
            .values({ token_id: tokenId, at: new Date(at).toISOString() })
            .onConflict((oc) =>
              oc
                .column('token_id')
                .doUpdateSet((eb) => ({ at: eb.fn(greatest, ['token_last_used.at', eb.ref('excluded.at')]) })),
            )
            .execute();
      });
    } catch (error) {
      // Back into pending (a newer use noted meanwhile wins); a failed write must never fail a request.
      for (const [tokenId, at] of batch) if ((this.pending.get(tokenId) ?? 0) < at) this.pending.set(tokenId, at);
      this.logger.error({
        msg: 'token last-use flush failed; will retry',
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
