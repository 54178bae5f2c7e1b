/** One page of a seq-ordered read and where the next one starts. */
export interface Page<T> {
  items: T[];
  /** The last seq of this page, to pass as `after`; null when nothing more matched. */
  nextCursor: number | null;
}

/**
 * Cuts rows fetched with `limit + 1` into a page: the extra row only says that more exist. The cursor is a
 * seq, and seqs are assigned in commit order, so an event committed while a client pages always lands
 * after the cursor: nothing is skipped or repeated.
 */
export function pageOf<T extends { seq: number }>(rows: readonly T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  const nextCursor = rows.length > limit ? items[items.length - 1]!.seq : null;
  return { items, nextCursor };
}
