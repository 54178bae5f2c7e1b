import { sql, type Kysely, type Migration } from 'kysely';
import { schemaDialectOf } from '../schema-dialects.js';

/**
 * The `environment` of telemetry rows counted before environments existed (docs/contract.md §7). Which
 * environment was the default then is configuration (FLAGLEDGER_DEFAULT_ENVIRONMENT), and a migration
 * has none: rather than guess, those rows keep no environment and are read as the default one, exactly
 * as events without `data.environment` are. Rows written since always name theirs, the default included,
 * so a later change of the default moves only what was never attributed, as it does for events. No
 * environment key can be empty (ENVIRONMENT_KEY_PATTERN), so it never names a real one. It is also the
 * column's default: a row inserted without an environment means what these rows mean.
 */
export const ENVIRONMENT_NOT_RECORDED = '';

/**
 * Evaluation counts and last-evaluated times per environment and flag: both tables gain `environment`
 * in their primary key. A primary key cannot be altered in place on SQLite, so each table is rebuilt the
 * same way on both databases: the old one renamed aside, the new one created under the old name (so
 * raw readers of flag_key, hour, reason, count and flag_key, at find what they did), its rows copied with
 * ENVIRONMENT_NOT_RECORDED, the old one dropped. The new keys get names of their own: PostgreSQL keeps a
 * renamed table's constraint names, so the old ones are still taken while both tables exist.
 */
export const telemetryPerEnvironment: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const { bigint, text } = schemaDialectOf(db);
    const notRecorded = sql.lit(ENVIRONMENT_NOT_RECORDED);

    await db.schema
      .alterTable('flag_evaluation_counts')
      .renameTo('flag_evaluation_counts_before_environments')
      .execute();
    await db.schema
      .createTable('flag_evaluation_counts')
      .addColumn('flag_key', text, (c) => c.notNull())
      .addColumn('environment', text, (c) => c.notNull().defaultTo(notRecorded))
      .addColumn('hour', text, (c) => c.notNull())
      .addColumn('reason', text, (c) => c.notNull())
      .addColumn('count', bigint, (c) => c.notNull())
      // flag_key first: reads ask for a set of flags, in one environment or in all of them.
      .addPrimaryKeyConstraint('flag_evaluation_counts_per_environment_pk', [
        'flag_key',
        'environment',
        'hour',
        'reason',
      ])
      .execute();
    await sql`INSERT INTO flag_evaluation_counts (flag_key, environment, hour, reason, count)
      SELECT flag_key, ${notRecorded}, hour, reason, count FROM flag_evaluation_counts_before_environments`.execute(db);
    await db.schema.dropTable('flag_evaluation_counts_before_environments').execute();

    await db.schema.alterTable('flag_last_evaluated').renameTo('flag_last_evaluated_before_environments').execute();
    await db.schema
      .createTable('flag_last_evaluated')
      .addColumn('flag_key', text, (c) => c.notNull())
      .addColumn('environment', text, (c) => c.notNull().defaultTo(notRecorded))
      .addColumn('at', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('flag_last_evaluated_per_environment_pk', ['flag_key', 'environment'])
      .execute();
    await sql`INSERT INTO flag_last_evaluated (flag_key, environment, at)
      SELECT flag_key, ${notRecorded}, at FROM flag_last_evaluated_before_environments`.execute(db);
    await db.schema.dropTable('flag_last_evaluated_before_environments').execute();
  },
};
