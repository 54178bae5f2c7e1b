import type { Kysely, Migration } from 'kysely';
import { schemaDialectOf } from '../schema-dialects.js';

/** Console sessions (docs/contract.md §8): not events, deleted on sign-out and once expired. */
export const consoleSessions: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const { text } = schemaDialectOf(db);
    await db.schema
      .createTable('console_sessions')
      .addColumn('id_hash', text, (c) => c.primaryKey())
      .addColumn('token_hash', text, (c) => c.notNull())
      .addColumn('csrf', text, (c) => c.notNull())
      .addColumn('created_at', text, (c) => c.notNull())
      .addColumn('expires_at', text, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('console_sessions_expires_at_index')
      .on('console_sessions')
      .column('expires_at')
      .execute();
  },
};
