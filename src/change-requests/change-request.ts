import type { ChangeRequestEvent, ProposedChange } from './change-request.events.js';

export const CHANGE_REQUEST_STATES = ['in_review', 'approved', 'rejected', 'cancelled', 'applied', 'failed'] as const;
export type ChangeRequestState = (typeof CHANGE_REQUEST_STATES)[number];

/** States nothing leaves. */
export const FINAL_STATES: ReadonlySet<ChangeRequestState> = new Set(['rejected', 'cancelled', 'applied', 'failed']);

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
  /** Events on its stream so far. */
  version: number;
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
    default: {
      const unreachable: never = event;
      throw new Error(`unknown change request event ${JSON.stringify(unreachable)}`);
    }
  }
}
