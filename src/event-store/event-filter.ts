/** Which events a read selects; every field narrows it. */
export interface EventFilter {
  streamId?: string;
  actor?: string;
  types?: readonly string[];
  /** at >= from */
  from?: string;
  /** at <= to */
  to?: string;
  afterSeq?: number;
  /** seq <= untilSeq */
  untilSeq?: number;
}

/** The timeline's filters as a client writes them (GET /v1/audit and GET /v1/export query strings). */
export interface TimelineFilterFields {
  flag?: string;
  actor?: string;
  type?: string | string[];
  from?: string;
  to?: string;
}

/** The filter in the event store's terms; times normalised to the stored ISO form so they compare as text. */
export function toEventFilter(query: TimelineFilterFields): EventFilter {
  const types = query.type === undefined ? undefined : Array.isArray(query.type) ? query.type : [query.type];
  return {
    ...(query.flag !== undefined ? { streamId: query.flag } : {}),
    ...(query.actor !== undefined ? { actor: query.actor } : {}),
    ...(types !== undefined ? { types } : {}),
    ...(query.from !== undefined ? { from: new Date(query.from).toISOString() } : {}),
    ...(query.to !== undefined ? { to: new Date(query.to).toISOString() } : {}),
  };
}
