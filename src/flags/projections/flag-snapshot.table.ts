/** A flag's state right after one of its versions, kept every N versions so time travel reads a short tail. */
export interface FlagSnapshotTable {
  key: string;
  version: number;
  seq: number;
  at: string;
  /** canonical JSON of the record as toStoredFlag holds it (the v1 FlagState, plus otherEnvironments) */
  state: string;
}
