import type { Kysely, Migration } from 'kysely';
import { schemaDialectOf } from '../schema-dialects.js';

/** Indexes for the audit timeline's filters, per-stream snapshots for time travel, signed checkpoints. */
export const historyAndCompliance: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const { bigint, text, refuseChanges } = schemaDialectOf(db);
    await db.schema.createIndex('audit_trail_actor_index').on('audit_trail').columns(['actor', 'seq']).execute();
    await db.schema.createIndex('audit_trail_type_index').on('audit_trail').columns(['type', 'seq']).execute();
    await db.schema.createIndex('audit_trail_at_index').on('audit_trail').column('at').execute();
    await db.schema.createIndex('events_type_index').on('events').columns(['type', 'seq']).execute();

    await db.schema
      .createTable('flag_snapshots')
      .addColumn('key', text, (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('seq', bigint, (c) => c.notNull())
      .addColumn('at', text, (c) => c.notNull())
      .addColumn('state', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('flag_snapshots_pk', ['key', 'version'])
      .execute();
    await db.schema.createIndex('flag_snapshots_key_seq_index').on('flag_snapshots').columns(['key', 'seq']).execute();

    await db.schema
      .createTable('signed_checkpoints')
      .addColumn('seq', bigint, (c) => c.primaryKey())
      .addColumn('hash', text, (c) => c.notNull())
      .addColumn('at', text, (c) => c.notNull())
      .addColumn('signature', text, (c) => c.notNull())
      .addColumn('key_id', text, (c) => c.notNull())
      .addColumn('signed_at', text, (c) => c.notNull())
      .execute();
    await refuseChanges(db, 'signed_checkpoints', 'signed checkpoints');
  },
};
