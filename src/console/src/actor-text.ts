/**
 * Who made a change, as history and the audit page show it: the token's name, and beside it the id of a
 * token issued through the API (docs/contract.md §9), which tells apart two tokens that had one name at
 * different times. A bootstrap token has no id in the log: its name is the whole answer.
 */
export function actorText(entry: { actor: string; actorTokenId?: string }): string {
  return entry.actorTokenId === undefined ? entry.actor : `${entry.actor} (${entry.actorTokenId})`;
}
