export interface FlagStateTable {
  key: string;
  /** canonical JSON of the record as toStoredFlag holds it (the v1 FlagState, plus otherEnvironments) */
  state: string;
  version: number;
  archived: number;
  last_seq: number;
}
