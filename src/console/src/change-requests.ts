/** Change requests as the console reads them (docs/contract.md §10, SPEC §10). */

/** The API's states, mirrored here because the console imports no server code (it speaks HTTP only). */
export const CHANGE_REQUEST_STATES = [
  'in_review',
  'approved',
  'rejected',
  'cancelled',
  'applied',
  'failed',
  'needs_review',
  'acknowledged',
] as const;
export type ChangeRequestState = (typeof CHANGE_REQUEST_STATES)[number];

/** States nothing leaves: no step is offered on them. */
export const FINAL_STATES: ReadonlySet<string> = new Set([
  'rejected',
  'cancelled',
  'applied',
  'failed',
  'acknowledged',
]);

/** The state commands a request may propose, in the words a dialog or a change's row uses. */
export const COMMAND_TITLES = {
  enable: 'Enable',
  disable: 'Disable',
  'kill-switch/engage': 'Engage the kill switch',
  'kill-switch/release': 'Release the kill switch',
  rollout: 'Change the rollout',
  segments: 'Change the segments',
} as const;
export type ProposedCommand = keyof typeof COMMAND_TITLES;

/** A flag's state in the request's environment, before or after a change. */
export interface StateSnapshot {
  enabled: boolean;
  rolloutPercentage: number;
  targetSegments: string[];
  killSwitch: boolean;
}

export interface ProposedChange {
  flagKey: string;
  command: ProposedCommand;
  /** rollout: a percentage; segments: the segment keys; absent otherwise. */
  value?: number | string[];
  baseVersion: number;
}

/** A change laid against the flag now; `current`, `proposed` and `currentVersion` are null for a flag gone. */
export interface ChangeView extends ProposedChange {
  currentVersion: number | null;
  current: StateSnapshot | null;
  proposed: StateSnapshot | null;
  conflict: boolean;
}

export interface Approval {
  by: string;
  at: string;
  comment: string | null;
}

export interface ChangeRequest {
  id: string;
  environment: string;
  title: string;
  reason: string | null;
  author: string;
  createdAt: string;
  changes: ChangeView[];
  scheduledAt: string | null;
  requiredApprovals: number;
  approvals: Approval[];
  /** A string beyond the known ones: a server newer than the console still shows. */
  state: ChangeRequestState | (string & {});
  closedBy: string | null;
  closedAt: string | null;
  closingReason: string | null;
  /**
   * A review a break-glass kill switch opened: the flag event that engaged it, already applied, so the
   * request takes no four-eyes step, only another person's acknowledgement. Null for a proposed change.
   */
  breakGlass: { flagKey: string; seq: number } | null;
  version: number;
}

export const changeRequestPath = (id: string): string => `/v1/change-requests/${encodeURIComponent(id)}`;
