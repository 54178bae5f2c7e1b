import type { Migration, MigrationProvider } from 'kysely';
import { initialSchema } from './0001-initial-schema.js';
import { historyAndCompliance } from './0002-history-and-compliance.js';
import { evaluationTelemetry } from './0003-evaluation-telemetry.js';

/**
 * PostgreSQL's migrations, named like SQLite's so both logs of applied migrations read the same. Listed,
 * not discovered on disk, so the compiled app and the tests run the same set.
 */
export const postgresMigrations: Record<string, Migration> = {
  '0001-initial-schema': initialSchema,
  '0002-history-and-compliance': historyAndCompliance,
  '0003-evaluation-telemetry': evaluationTelemetry,
};

export const postgresMigrationProvider: MigrationProvider = {
  getMigrations: async () => postgresMigrations,
};
