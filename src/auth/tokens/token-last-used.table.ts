/** When each token last authenticated a request: telemetry kept per token, never an event. */
export interface TokenLastUsedTable {
  /** An issued token's id, or `config:<name>` for a FLAGLEDGER_TOKENS one. */
  token_id: string;
  at: string;
}
