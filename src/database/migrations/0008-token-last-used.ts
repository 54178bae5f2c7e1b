import type { Kysely, Migration } from 'kysely';
import { schemaDialectOf } from '../schema-dialects.js';

/** When each token last authenticated (docs/contract.md §9 lastUsedAt): one row per token, overwritten, not events. */
export const tokenLastUsed: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const { text } = schemaDialectOf(db);
    await db.schema
      .createTable('token_last_used')
      .addColumn('token_id', text, (c) => c.primaryKey())
      .addColumn('at', text, (c) => c.notNull())
      .execute();
  },
};
