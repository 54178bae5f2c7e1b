import { Matches } from 'class-validator';

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

/**
 * A change request id as `changeRequest=` takes it. Looser than the ids issued today (`cr_` and 8
 * base64url characters), so a longer id issued later is still accepted; what it rules out is a value
 * that could never name a request, which would otherwise answer a quiet, empty timeline.
 */
const CHANGE_REQUEST_ID = /^cr_[A-Za-z0-9_-]{1,64}$/;

export const IsChangeRequestId = () =>
  Matches(CHANGE_REQUEST_ID, { message: 'must be a change request id: cr_ followed by letters, digits, - or _' });

/** The trace an event's data carries; undefined on every event no apply wrote. */
export function changeRequestTraceOf(data: unknown): ChangeRequestTrace | undefined {
  return (data as { changeRequest?: ChangeRequestTrace } | null)?.changeRequest;
}
