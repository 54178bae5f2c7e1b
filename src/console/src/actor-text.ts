/**
 * Who made a change, as history and the audit page show it: the token's name, and beside it the id of a
 * token issued through the API (docs/contract.md §9), which tells apart two tokens that had one name at
 * different times. A bootstrap token has no id in the log: its name is the whole answer.
 */
export function actorText(entry: { actor: string; actorTokenId?: string }): string {
  return entry.actorTokenId === undefined ? entry.actor : `${entry.actor} (${entry.actorTokenId})`;
}

/**
 * Whose four eyes let a change in, beside who applied it: the actor of an applied change is whoever
 * pressed Apply, while an auditor asks who proposed it and who approved it.
 */
export function changeRequestText(trace: { id: string; author: string; approvers: readonly string[] }): string {
  return `applied from change request ${trace.id} by ${trace.author}, approved by ${trace.approvers.join(', ')}`;
}
