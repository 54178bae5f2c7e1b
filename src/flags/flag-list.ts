import type { FlagStateReader } from './flag-state-reader.js';
import type { FlagState } from './flag-state.js';
import type { ListFlagsQuery } from './list-flags.query.dto.js';
import type { FlagTimeTravel } from './time-travel/flag-time-travel.js';

/**
 * GET /v1/flags and GET /v1/environments/:env/flags: the flags as `environment` sees them now (the
 * in-memory projection) or at `asOf` (the log), filtered by the query and sorted by key, with the seq
 * they reflect.
 */
export async function listFlags(
  reader: FlagStateReader,
  timeTravel: FlagTimeTravel,
  query: ListFlagsQuery,
  environment?: string,
): Promise<{ flags: FlagState[]; headSeq: number }> {
  const includeArchived = query.includeArchived === 'true';
  const { flags: all, headSeq } =
    query.asOf === undefined
      ? { flags: [...reader.all(environment)], headSeq: reader.appliedSeq }
      : await timeTravel.all(query.asOf, environment);
  const flags = all
    .filter((f) => (includeArchived || !f.archived) && (query.type === undefined || f.type === query.type))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
  return { flags, headSeq };
}
