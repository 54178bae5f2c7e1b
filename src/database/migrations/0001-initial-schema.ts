import type { Kysely, Migration } from 'kysely';
import { schemaDialectOf } from '../schema-dialects.js';

/**
 * The append-only event log, its idempotency records, and the first two projections. JSON is kept as
 * text on both dialects, stored exactly as written, so hashes and canonical JSON are the same on both.
 */
export const initialSchema: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const { bigint, text, nowIso, installAppendOnlyGuard, refuseChanges } = schemaDialectOf(db);
    await db.schema
      .createTable('events')
      // seq is assigned by the store (head + 1) inside the append transaction: gapless by construction.
      .addColumn('seq', bigint, (c) => c.primaryKey())
      .addColumn('stream_id', text, (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('type', text, (c) => c.notNull())
      .addColumn('schema_version', 'integer', (c) => c.notNull())
      .addColumn('data', text, (c) => c.notNull())
      .addColumn('actor', text, (c) => c.notNull())
      .addColumn('reason', text)
      .addColumn('at', text, (c) => c.notNull())
      .addColumn('idempotency_key', text)
      .addColumn('prev_hash', text, (c) => c.notNull())
      .addColumn('hash', text, (c) => c.notNull())
      .addUniqueConstraint('events_stream_version_unique', ['stream_id', 'version'])
      .execute();
    await db.schema.createIndex('events_at_index').on('events').column('at').execute();
    await db.schema.createIndex('events_actor_index').on('events').columns(['actor', 'seq']).execute();
    await installAppendOnlyGuard(db);
    await refuseChanges(db, 'events', 'events');

    await db.schema
      .createTable('idempotency_records')
      .addColumn('scope', text, (c) => c.notNull())
      .addColumn('key', text, (c) => c.notNull())
      .addColumn('fingerprint', text, (c) => c.notNull())
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('body', text, (c) => c.notNull())
      .addColumn('created_at', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('idempotency_records_pk', ['scope', 'key'])
      .execute();

    await db.schema
      .createTable('projection_checkpoints')
      .addColumn('name', text, (c) => c.primaryKey())
      .addColumn('seq', bigint, (c) => c.notNull())
      .addColumn('updated_at', text, (c) => c.notNull().defaultTo(nowIso))
      .execute();

    await db.schema
      .createTable('flag_state')
      .addColumn('key', text, (c) => c.primaryKey())
      .addColumn('state', text, (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      // 0 or 1 on both dialects, so the FlagStateTable type fits both.
      .addColumn('archived', 'integer', (c) => c.notNull())
      .addColumn('last_seq', bigint, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('audit_trail')
      .addColumn('seq', bigint, (c) => c.primaryKey())
      .addColumn('flag_key', text, (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('type', text, (c) => c.notNull())
      .addColumn('actor', text, (c) => c.notNull())
      .addColumn('at', text, (c) => c.notNull())
      .addColumn('reason', text)
      .addColumn('from_value', text, (c) => c.notNull())
      .addColumn('to_value', text, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_trail_flag_index').on('audit_trail').columns(['flag_key', 'seq']).execute();
  },
};
