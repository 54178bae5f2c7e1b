import type { FlagState, FlagStateReader } from '../flags/index.js';

/** GET /v1/snapshot and the stream's `snapshot` event: every live flag in one environment, and the seq they reflect. */
export interface FlagSnapshot {
  headSeq: number;
  flags: FlagState[];
}

/**
 * Read synchronously from the in-memory projection, so `flags` and `headSeq` describe the same moment: no
 * committed event can be applied in between. Archived flags are left out, sorted by key.
 */
export function takeFlagSnapshot(reader: FlagStateReader, environment?: string): FlagSnapshot {
  const flags = [...reader.all(environment)]
    .filter((flag) => !flag.archived)
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { headSeq: reader.appliedSeq, flags };
}
