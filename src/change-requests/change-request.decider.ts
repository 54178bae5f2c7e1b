import type { Role } from '../auth/index.js';
import {
  ChangeRequestApprovalRefusedError,
  ChangeRequestConflictError,
  ChangeRequestNotYoursError,
  ChangeRequestStateError,
} from './change-request.errors.js';
import type { ChangeRequestEvent, ProposedChange } from './change-request.events.js';
import type { ChangeRequest } from './change-request.js';
import { FINAL_STATES } from './change-request.js';

/** Who asks: the principal's name and role (an admin may cancel another's request, never approve their own). */
export interface Requester {
  name: string;
  role: Role;
}

/** A proposed change whose flag moved: its version now (null: the flag is gone or archived). */
export interface MovedFlag {
  flagKey: string;
  baseVersion: number;
  version: number | null;
}

export type ChangeRequestCommand =
  | {
      kind: 'create';
      id: string;
      environment: string;
      title: string;
      changes: ProposedChange[];
      scheduledAt: string | null;
      requiredApprovals: number;
    }
  | { kind: 'replaceChanges'; changes: ProposedChange[] }
  | { kind: 'approve'; comment: string | null }
  | { kind: 'reject' }
  | { kind: 'cancel' }
  /** `moved`: the flags that moved since the request's base versions, read by the caller at apply time. */
  | { kind: 'apply'; moved: readonly MovedFlag[]; scheduled: boolean; lateByMs: number | null }
  /** A scheduled apply that found moved flags: the request fails, nothing of it is written. */
  | { kind: 'fail'; failure: string }
  /** Another person has looked at a break-glass kill switch. */
  | { kind: 'acknowledge'; comment: string };

/**
 * What a change request command records (docs/contract.md §10). Pure: the caller reads the request and,
 * for an apply, the flags' versions, and appends what this returns with the apply's flag events.
 */
export function decideChangeRequest(
  command: ChangeRequestCommand,
  current: ChangeRequest | undefined,
  by: Requester,
): ChangeRequestEvent[] {
  if (command.kind === 'create') {
    const { id, environment, title, changes, scheduledAt, requiredApprovals } = command;
    return [
      {
        type: 'ChangeRequestCreated',
        data: { id, environment, title, changes, scheduledAt, requiredApprovals: Math.max(1, requiredApprovals) },
      },
    ];
  }
  // The caller answers CHANGE_REQUEST_NOT_FOUND for an id it does not know; here it is a bug.
  if (current === undefined) throw new Error(`${command.kind} on a change request that does not exist`);
  const { id, state } = current;
  // A break-glass review was applied already: the one step it takes is someone else's acknowledgement.
  if (state === 'needs_review' && command.kind !== 'acknowledge')
    throw new ChangeRequestStateError(id, state, `a ${command.kind}`, 'a request under review, not a break-glass one');
  const open = (step: string) => {
    if (FINAL_STATES.has(state)) throw new ChangeRequestStateError(id, state, step, 'an open request');
  };
  switch (command.kind) {
    case 'replaceChanges':
      open('replacing its changes');
      if (by.name !== current.author)
        throw new ChangeRequestNotYoursError(id, by.name, 'edit', `its author, '${current.author}',`);
      return [
        {
          type: 'ChangeRequestChangesReplaced',
          data: { id, changes: command.changes, withdrawnApprovals: current.approvals.map((a) => a.by) },
        },
      ];
    case 'approve':
      if (state !== 'in_review') throw new ChangeRequestStateError(id, state, 'approving it', 'in_review');
      if (by.name === current.author) throw new ChangeRequestApprovalRefusedError(id, 'author', by.name);
      if (current.approvals.some((a) => a.by === by.name))
        throw new ChangeRequestApprovalRefusedError(id, 'again', by.name);
      return [{ type: 'ChangeRequestApproved', data: { id, comment: command.comment } }];
    case 'reject':
      open('rejecting it');
      return [{ type: 'ChangeRequestRejected', data: { id } }];
    case 'cancel':
      open('cancelling it');
      if (by.name !== current.author && by.role !== 'admin')
        throw new ChangeRequestNotYoursError(id, by.name, 'cancel', `its author, '${current.author}', or an admin`);
      return [{ type: 'ChangeRequestCancelled', data: { id } }];
    case 'apply':
      if (state !== 'approved')
        throw new ChangeRequestStateError(
          id,
          state,
          'applying it',
          `approved (${current.approvals.length} of ${current.requiredApprovals} approvals)`,
        );
      if (command.moved.length > 0) throw new ChangeRequestConflictError(id, command.moved);
      return [{ type: 'ChangeRequestApplied', data: { id, scheduled: command.scheduled, lateByMs: command.lateByMs } }];
    case 'fail':
      if (state !== 'approved') throw new ChangeRequestStateError(id, state, 'failing its schedule', 'approved');
      return [{ type: 'ChangeRequestFailed', data: { id, failure: command.failure } }];
    case 'acknowledge':
      if (state !== 'needs_review')
        throw new ChangeRequestStateError(id, state, 'acknowledging it', 'a break-glass review (needs_review)');
      if (by.name === current.author) throw new ChangeRequestApprovalRefusedError(id, 'author', by.name);
      return [{ type: 'ChangeRequestAcknowledged', data: { id, comment: command.comment } }];
    default: {
      const unreachable: never = command;
      throw new Error(`unknown change request command ${JSON.stringify(unreachable)}`);
    }
  }
}
