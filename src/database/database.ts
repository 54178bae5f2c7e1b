import type { EventTable, IdempotencyRecordTable, ProjectionCheckpointTable } from '../event-store/event.table.js';
import type { FlagStateTable } from '../flags/projections/flag-state.table.js';
import type { AuditTrailTable } from '../history/audit-trail.table.js';

/** The whole schema as Kysely sees it: the union of each slice's tables. */
export interface Database {
  events: EventTable;
  idempotency_records: IdempotencyRecordTable;
  projection_checkpoints: ProjectionCheckpointTable;
  flag_state: FlagStateTable;
  audit_trail: AuditTrailTable;
}

export const DATABASE = Symbol('DATABASE');
