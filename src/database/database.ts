import type { EventTable, IdempotencyRecordTable, ProjectionCheckpointTable } from '../event-store/event.table.js';
import type { FlagSnapshotTable } from '../flags/projections/flag-snapshot.table.js';
import type { FlagStateTable } from '../flags/projections/flag-state.table.js';
import type { AuditTrailTable } from '../history/audit-trail.table.js';
import type { SignedCheckpointTable } from '../integrity/signed-checkpoint.table.js';
import type { FlagEvaluationCountTable, FlagLastEvaluatedTable } from '../telemetry/telemetry.tables.js';

/** The whole schema as Kysely sees it: the union of each slice's tables. */
export interface Database {
  events: EventTable;
  idempotency_records: IdempotencyRecordTable;
  projection_checkpoints: ProjectionCheckpointTable;
  flag_state: FlagStateTable;
  audit_trail: AuditTrailTable;
  flag_snapshots: FlagSnapshotTable;
  signed_checkpoints: SignedCheckpointTable;
  flag_evaluation_counts: FlagEvaluationCountTable;
  flag_last_evaluated: FlagLastEvaluatedTable;
}

export const DATABASE = Symbol('DATABASE');

/** Opens a separate read-only connection to the same file (long cursors: export, verify, rebuild). */
export const SQLITE_READER_FACTORY = Symbol('SQLITE_READER_FACTORY');

/** The PostgreSQL URL, on PostgreSQL only: for connections outside the pool (LISTEN). */
export const POSTGRES_URL = Symbol('POSTGRES_URL');
