export interface AuditTrailTable {
  seq: number;
  flag_key: string;
  version: number;
  type: string;
  actor: string;
  at: string;
  reason: string | null;
  /** JSON of the value before the change (null for FlagCreated) */
  from_value: string;
  /** JSON of the value after the change */
  to_value: string;
}
