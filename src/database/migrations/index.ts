import type { Migration, MigrationProvider } from 'kysely';
import { initialSchema } from './0001-initial-schema.js';
import { historyAndCompliance } from './0002-history-and-compliance.js';
import { evaluationTelemetry } from './0003-evaluation-telemetry.js';
import { telemetryPerEnvironment } from './0004-telemetry-per-environment.js';
import { auditTrailEnvironment } from './0005-audit-trail-environment.js';
import { consoleSessions } from './0006-console-sessions.js';
import { tokenLastUsed } from './0008-token-last-used.js';
import { actorTokenId } from './0009-actor-token-id.js';
import { auditTrailBreakGlass } from './0010-audit-trail-break-glass.js';
import { auditTrailChangeRequest } from './0011-audit-trail-change-request.js';
import { clientSightings } from './0012-client-sightings.js';

/**
 * One set of migrations for both dialects (each reads what differs from its SchemaDialect). The names are
 * the keys of Kysely's kysely_migration table in databases already migrated: never rename one. Listed,
 * not discovered on disk, so the compiled app and the tests run the same set.
 */
export const migrations: Record<string, Migration> = {
  '0001-initial-schema': initialSchema,
  '0002-history-and-compliance': historyAndCompliance,
  '0003-evaluation-telemetry': evaluationTelemetry,
  '0004-telemetry-per-environment': telemetryPerEnvironment,
  '0005-audit-trail-environment': auditTrailEnvironment,
  '0006-console-sessions': consoleSessions,
  '0008-token-last-used': tokenLastUsed,
  '0009-actor-token-id': actorTokenId,
  '0010-audit-trail-break-glass': auditTrailBreakGlass,
  '0011-audit-trail-change-request': auditTrailChangeRequest,
  '0012-client-sightings': clientSightings,
};

export const staticMigrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
