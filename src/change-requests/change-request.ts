import type { ChangeRequestEvent, ProposedChange } from './change-request.events.js';

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

/** States nothing leaves. */
export const FINAL_STATES: ReadonlySet<ChangeRequestState> = new Set([
  'rejected',
  'cancelled',
  'applied',
  'failed',
  'acknowledged',
]);

export interface Approval {
  by: string;
  at: string;
  comment: string | null;
}

/** A change request as its events leave it. */
export interface ChangeRequest {
  id: string;
  environment: string;
  title: string;
  /** Why the author asks: the reason of the creating event. */
  reason: string | null;
  author: string;
  createdAt: string;
  changes: ProposedChange[];
  scheduledAt: string | null;
  requiredApprovals: number;
  /** The approvals standing now (replacing the changes withdraws them). */
  approvals: Approval[];
  state: ChangeRequestState;
  /** Who rejected, cancelled or applied it, when and why; null while it is open. */
  closedBy: string | null;
  closedAt: string | null;
  closingReason: string | null;
  /**
   * A review opened by a break-glass kill switch: the flag event that engaged it (its seq). Such a request
   * proposes nothing; it was applied at once, and another person must acknowledge it. Null otherwise.
   */
  breakGlass: { flagKey: string; seq: number } | null;
  /** Events on its stream so far. */
  version: number;
}

/** The id of the review a break-glass engage at `seq` opened. */
export function breakGlassReviewId(seq: number): string {
  return `bg_${seq}`;
}

/**
 * The review a break-glass kill switch opens (docs/contract.md §10): it is the flag event itself, already
 * in the chain, so opening it needs no event of its own; acknowledging it is one.
 */
export function breakGlassReview(engaged: {
  seq: number;
  streamId: string;
  version: number;
  actor: string;
  at: string;
  reason: string | null;
  data: unknown;
}): ChangeRequest {
  const { environment } = engaged.data as { environment: string };
  return {
    id: breakGlassReviewId(engaged.seq),
    environment,
    title: `Break glass: kill switch engaged on ${engaged.streamId} in ${environment}`,
    reason: engaged.reason,
    author: engaged.actor,
    createdAt: engaged.at,
    changes: [{ flagKey: engaged.streamId, command: 'kill-switch/engage', baseVersion: engaged.version - 1 }],
    scheduledAt: null,
    requiredApprovals: 1,
    approvals: [],
    state: 'needs_review',
    closedBy: null,
    closedAt: null,
    closingReason: null,
    breakGlass: { flagKey: engaged.streamId, seq: engaged.seq },
    version: 0,
  };
}

/** The request after one of its events. */
export function evolveChangeRequest(
  current: ChangeRequest | undefined,
  event: ChangeRequestEvent,
  envelope: { actor: string; at: string; reason: string | null; version: number },
): ChangeRequest {
  if (event.type === 'ChangeRequestCreated') {
    const { id, environment, title, changes, scheduledAt, requiredApprovals } = event.data;
    return {
      id,
      environment,
      title,
      reason: envelope.reason,
      author: envelope.actor,
      createdAt: envelope.at,
      changes,
      scheduledAt,
      requiredApprovals,
      approvals: [],
      state: 'in_review',
      closedBy: null,
      closedAt: null,
      closingReason: null,
      breakGlass: null,
      version: envelope.version,
    };
  }
  if (current === undefined) throw new Error(`${event.type} before the change request was created`);
  const next = { ...current, version: envelope.version };
  const closed = (state: ChangeRequestState): ChangeRequest => ({
    ...next,
    state,
    closedBy: envelope.actor,
    closedAt: envelope.at,
    closingReason: envelope.reason,
  });
  switch (event.type) {
    case 'ChangeRequestChangesReplaced':
      return { ...next, changes: event.data.changes, approvals: [], state: 'in_review' };
    case 'ChangeRequestApproved': {
      const approvals = [...current.approvals, { by: envelope.actor, at: envelope.at, comment: event.data.comment }];
      return { ...next, approvals, state: approvals.length >= current.requiredApprovals ? 'approved' : 'in_review' };
    }
    case 'ChangeRequestRejected':
      return closed('rejected');
    case 'ChangeRequestCancelled':
      return closed('cancelled');
    case 'ChangeRequestApplied':
      return closed('applied');
    case 'ChangeRequestFailed':
      return { ...closed('failed'), closingReason: event.data.failure };
    case 'ChangeRequestAcknowledged':
      return { ...closed('acknowledged'), closingReason: event.data.comment };
    default: {
      const unreachable: never = event;
      throw new Error(`unknown change request event ${JSON.stringify(unreachable)}`);
    }
  }
}
