export interface FlagStateTable {
  key: string;
  /** canonical JSON of FlagState */
  state: string;
  version: number;
  archived: number;
  last_seq: number;
}
