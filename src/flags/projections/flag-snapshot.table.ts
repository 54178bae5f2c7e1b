/** A flag's state right after one of its versions, kept every N versions so time travel reads a short tail. */
export interface FlagSnapshotTable {
  key: string;
  version: number;
  seq: number;
  at: string;
  /** canonical JSON of FlagState */
  state: string;
}
