import type { Principal } from './principal.js';

/** The prefix of the ids the API issues tokens under; a bootstrap token's id is `config:<name>`. */
export const ISSUED_TOKEN_ID_PREFIX = 'tok_';

/** Who the envelope of an event appended for `principal` names (docs/contract.md §9). */
export interface RecordedActor {
  actor: string;
  actorTokenId?: string;
}

/**
 * The principal's name as the actor and, for a token issued through the API, its id beside it. A
 * bootstrap token gets no id there: it is known by its name, which no issued token may take while it is
 * configured, and leaving it out keeps its events (and their hashes) exactly as they were before ids
 * were recorded.
 */
export function recordedActor(principal: Principal): RecordedActor {
  const { name, tokenId } = principal;
  return tokenId?.startsWith(ISSUED_TOKEN_ID_PREFIX) ? { actor: name, actorTokenId: tokenId } : { actor: name };
}
