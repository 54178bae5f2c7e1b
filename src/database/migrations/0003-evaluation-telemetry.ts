import type { Kysely, Migration } from 'kysely';
import { schemaDialectOf } from '../schema-dialects.js';

/** Evaluation counts per flag, hour and reason, and when each flag was last evaluated: telemetry, not events. */
export const evaluationTelemetry: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const { bigint, text } = schemaDialectOf(db);
    await db.schema
      .createTable('flag_evaluation_counts')
      .addColumn('flag_key', text, (c) => c.notNull())
      .addColumn('hour', text, (c) => c.notNull())
      .addColumn('reason', text, (c) => c.notNull())
      .addColumn('count', bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('flag_evaluation_counts_pk', ['flag_key', 'hour', 'reason'])
      .execute();
    await db.schema
      .createTable('flag_last_evaluated')
      .addColumn('flag_key', text, (c) => c.primaryKey())
      .addColumn('at', text, (c) => c.notNull())
      .execute();
  },
};
