import type { Role } from './roles.js';

/** Who is calling, as established by the token guard. Its name is the actor recorded on events. */
export interface Principal {
  name: string;
  role: Role;
  /** `config:<name>` for a FLAGLEDGER_TOKENS token, else the id the API issued it under. */
  tokenId: string;
  /** The environments it may act in; null: every one (docs/contract.md §9). */
  environments: readonly string[] | null;
}

export interface AuthenticatedRequest {
  principal?: Principal;
}
