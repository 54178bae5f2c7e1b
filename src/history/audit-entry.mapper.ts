import type { Selectable } from 'kysely';
import type { AuditTrailTable } from './audit-trail.table.js';

/** One event of the audit trail as the API shows it: who did what, when, why, from what to what. */
export interface AuditEntry {
  seq: number;
  flag: string;
  version: number;
  type: string;
  actor: string;
  at: string;
  reason: string | null;
  from: unknown;
  to: unknown;
}

export function toAuditEntry(row: Selectable<AuditTrailTable>): AuditEntry {
  return {
    seq: row.seq,
    flag: row.flag_key,
    version: row.version,
    type: row.type,
    actor: row.actor,
    at: row.at,
    reason: row.reason,
    from: JSON.parse(row.from_value) as unknown,
    to: JSON.parse(row.to_value) as unknown,
  };
}
