import type { Kysely, Migration } from 'kysely';
import { schemaDialectOf } from '../schema-dialects.js';

/**
 * The SDK instances seen lately (docs/contract.md §11 `GET /v1/clients`): one row per instance, overwritten
 * by every instance sharing the database, never events. Rows older than an hour are deleted as they age.
 */
export const clientSightings: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const { bigint, text } = schemaDialectOf(db);
    await db.schema
      .createTable('client_sightings')
      .addColumn('kind', text, (c) => c.notNull())
      .addColumn('environment', text, (c) => c.notNull())
      // '' when the client did not say: a primary key column cannot be NULL.
      .addColumn('app_name', text, (c) => c.notNull())
      .addColumn('instance_id', text, (c) => c.notNull())
      .addColumn('last_seen', text, (c) => c.notNull())
      .addColumn('applied_seq', bigint)
      // When applied_seq was reported: of two instances' sightings, the later report of a seq wins.
      .addColumn('applied_at', text)
      .addColumn('etag', text)
      .addPrimaryKeyConstraint('client_sightings_pk', ['kind', 'environment', 'app_name', 'instance_id'])
      .execute();
    await db.schema
      .createIndex('client_sightings_last_seen_index')
      .on('client_sightings')
      .column('last_seen')
      .execute();
  },
};
