/**
 * Four eyes as events (docs/contract.md §10), on the stream `change-request:<id>` of each request, in the
 * same hash-chained log as the flags they change: export and verify cover every step of a review.
 */

/** The state commands a request may propose (the v1 routes' names). */
export const PROPOSED_COMMANDS = [
  'enable',
  'disable',
  'kill-switch/engage',
  'kill-switch/release',
  'rollout',
  'segments',
] as const;
export type ProposedCommand = (typeof PROPOSED_COMMANDS)[number];

/** One proposed change: a state command on a flag, decided against the flag's version the author saw. */
export interface ProposedChange {
  flagKey: string;
  command: ProposedCommand;
  /** rollout: the percentage (0–100); segments: the segment list; the other commands take none. */
  value?: number | string[];
  baseVersion: number;
}

export interface ChangeRequestCreatedData {
  id: string;
  environment: string;
  title: string;
  changes: ProposedChange[];
  /** ISO instant at which an approved request applies itself; null: applied by hand. */
  scheduledAt: string | null;
  /** The approvals it needs: the environment's requiredApprovals when it was opened (at least 1). */
  requiredApprovals: number;
}

/** The author's new changes; every approval given so far is withdrawn, named here. */
export interface ChangeRequestChangesReplacedData {
  id: string;
  changes: ProposedChange[];
  withdrawnApprovals: string[];
}

export interface ChangeRequestApprovedData {
  id: string;
  comment: string | null;
}

export interface ChangeRequestIdData {
  id: string;
}

/** The request's changes were written (by hand or on schedule); `lateByMs`: a missed schedule's delay. */
export interface ChangeRequestAppliedData {
  id: string;
  scheduled: boolean;
  lateByMs: number | null;
}

/** A scheduled apply that could not be: nothing of the request was written. */
export interface ChangeRequestFailedData {
  id: string;
  failure: string;
}

/** Another person looked at a break-glass kill switch and says what they found. */
export interface ChangeRequestAcknowledgedData {
  id: string;
  comment: string;
}

export type ChangeRequestEvent =
  | { type: 'ChangeRequestCreated'; data: ChangeRequestCreatedData }
  | { type: 'ChangeRequestChangesReplaced'; data: ChangeRequestChangesReplacedData }
  | { type: 'ChangeRequestApproved'; data: ChangeRequestApprovedData }
  | { type: 'ChangeRequestRejected'; data: ChangeRequestIdData }
  | { type: 'ChangeRequestCancelled'; data: ChangeRequestIdData }
  | { type: 'ChangeRequestApplied'; data: ChangeRequestAppliedData }
  | { type: 'ChangeRequestFailed'; data: ChangeRequestFailedData }
  | { type: 'ChangeRequestAcknowledged'; data: ChangeRequestAcknowledgedData };

export const CHANGE_REQUEST_EVENT_TYPES = [
  'ChangeRequestCreated',
  'ChangeRequestChangesReplaced',
  'ChangeRequestApproved',
  'ChangeRequestRejected',
  'ChangeRequestCancelled',
  'ChangeRequestApplied',
  'ChangeRequestFailed',
  'ChangeRequestAcknowledged',
] as const satisfies readonly ChangeRequestEvent['type'][];
export const CHANGE_REQUEST_EVENT_SCHEMA_VERSION = 1;

export function isChangeRequestEventType(type: string): type is ChangeRequestEvent['type'] {
  return (CHANGE_REQUEST_EVENT_TYPES as readonly string[]).includes(type);
}

const STREAM_PREFIX = 'change-request:';

export function changeRequestStreamId(id: string): string {
  return `${STREAM_PREFIX}${id}`;
}
