/**
 * Which change request's apply wrote a flag event, as the event's `data.changeRequest` records it
 * (docs/contract.md §10): the request, who proposed it and who approved it. The actor of the event is
 * whoever applied it, who may be neither.
 */
export interface ChangeRequestTrace {
  id: string;
  author: string;
  approvers: string[];
}

/** The trace an event's data carries; undefined on every event no apply wrote. */
export function changeRequestTraceOf(data: unknown): ChangeRequestTrace | undefined {
  return (data as { changeRequest?: ChangeRequestTrace } | null)?.changeRequest;
}
