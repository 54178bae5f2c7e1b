import type { ConsoleSessionTable, TokenLastUsedTable } from '../auth/index.js';
import type { ClientSightingTable } from '../connected-clients/index.js';
import type { EventTable, IdempotencyRecordTable, ProjectionCheckpointTable } from '../event-store/index.js';
import type { FlagSnapshotTable, FlagStateTable } from '../flags/index.js';
import type { AuditTrailTable } from '../history/index.js';
import type { SignedCheckpointTable } from '../integrity/index.js';
import type { FlagEvaluationCountTable, FlagLastEvaluatedTable } from '../telemetry/index.js';

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
  console_sessions: ConsoleSessionTable;
  token_last_used: TokenLastUsedTable;
  client_sightings: ClientSightingTable;
}

export const DATABASE = Symbol('DATABASE');

/** Opens a separate read-only connection to the same file (long cursors: export, verify, rebuild). */
export const SQLITE_READER_FACTORY = Symbol('SQLITE_READER_FACTORY');

/** The PostgreSQL URL, on PostgreSQL only: for connections outside the pool (LISTEN). */
export const POSTGRES_URL = Symbol('POSTGRES_URL');
