import { sql, type Kysely, type Migration } from 'kysely';
import { schemaDialectOf } from '../schema-dialects.js';

/**
 * The events that said which environment they act in when this migration was written (issue 12): the
 * audit rows of these take it from their event. Spelled out rather than imported, since a migration must
 * do tomorrow what it did the day it first ran.
 */
const TYPES_WITH_ENVIRONMENT = [
  'FlagCreated',
  'FlagEnabled',
  'FlagDisabled',
  'FlagRolloutChanged',
  'FlagSegmentsChanged',
  'FlagKillSwitchEngaged',
  'FlagKillSwitchReleased',
  'FlagStateCopied',
];

/**
 * audit_trail.environment: the environment an event's data names, NULL when it names none (events written
 * before environments, and events that act on every environment), so the timeline can filter on it.
 * Rows projected before the column existed get it from their events, as a rebuild would write them.
 */
export const auditTrailEnvironment: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const { text, jsonField } = schemaDialectOf(db);
    await db.schema.alterTable('audit_trail').addColumn('environment', text).execute();
    // The LIKE skips, without parsing its JSON, every event written before environments (canonical JSON
    // has `"environment":` only as a key; inside a string its quotes are escaped), which on an upgraded
    // log is nearly all of them.
    await sql`
      UPDATE audit_trail SET environment = e.environment
      FROM (
        SELECT seq, ${jsonField('data', 'environment')} AS environment FROM events
        WHERE type IN (${sql.join(TYPES_WITH_ENVIRONMENT)}) AND data LIKE '%"environment":%'
      ) AS e
      WHERE e.seq = audit_trail.seq AND e.environment IS NOT NULL`.execute(db);
    await db.schema
      .createIndex('audit_trail_environment_index')
      .on('audit_trail')
      .columns(['environment', 'seq'])
      .execute();
  },
};
