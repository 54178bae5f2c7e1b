import type { Kysely, Migration } from 'kysely';
import { schemaDialectOf } from '../schema-dialects.js';

/**
 * events.actor_token_id and audit_trail.actor_token_id: the id of the API-issued token behind an event
 * (docs/contract.md §9). NULL for every row already there, and from then on for bootstrap tokens and the
 * CLI: an event's id cannot be filled in afterwards, since it is hashed, and the log refuses UPDATE.
 * Adding a nullable column rewrites no row, so the append-only triggers never fire.
 */
export const actorTokenId: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const { text } = schemaDialectOf(db);
    await db.schema.alterTable('events').addColumn('actor_token_id', text).execute();
    await db.schema.alterTable('audit_trail').addColumn('actor_token_id', text).execute();
  },
};
