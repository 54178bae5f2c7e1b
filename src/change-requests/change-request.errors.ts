import { DomainError } from '../shared/index.js';
import type { ChangeRequestState } from './change-request.js';

export class ChangeRequestNotFoundError extends DomainError {
  constructor(id: string) {
    super('CHANGE_REQUEST_NOT_FOUND', `change request '${id}' does not exist`);
  }
}

/** A step the request's state does not allow: approving a rejected one, applying one still in review. */
export class ChangeRequestStateError extends DomainError {
  constructor(id: string, state: ChangeRequestState, step: string, needs: string) {
    super('CHANGE_REQUEST_STATE', `change request '${id}' is ${state}: ${step} needs ${needs}`);
  }
}

/** Four eyes: nobody approves their own request, admins included; and each person approves once. */
export class ChangeRequestApprovalRefusedError extends DomainError {
  constructor(id: string, why: 'author' | 'again', by: string) {
    super(
      'CHANGE_REQUEST_APPROVAL_REFUSED',
      why === 'author'
        ? `'${by}' made change request '${id}': another person must approve or acknowledge it`
        : `'${by}' already approved change request '${id}': another person must approve it`,
    );
  }
}

/** Only the author may replace the changes, and only the author or an admin cancel. */
export class ChangeRequestNotYoursError extends DomainError {
  constructor(id: string, by: string, step: string, who: string) {
    super('FORBIDDEN', `'${by}' may not ${step} change request '${id}': only ${who} may`);
  }
}

/** Flags whose version moved past what the request was decided against: nothing of it is applied. */
export class ChangeRequestConflictError extends DomainError {
  constructor(
    id: string,
    readonly flags: readonly { flagKey: string; baseVersion: number; version: number | null }[],
  ) {
    super(
      'CHANGE_REQUEST_CONFLICT',
      `change request '${id}' was decided against versions that moved: ${describeMoved(flags)}; replace its changes to re-base it, then review again`,
      flags.map((f) => ({ field: f.flagKey, message: `is at version ${f.version ?? 'none'}, not ${f.baseVersion}` })),
    );
  }
}

/** Each moved flag as `key (base → now)`, `gone` for one archived or deleted. */
export function describeMoved(
  flags: readonly { flagKey: string; baseVersion: number; version: number | null }[],
): string {
  return flags.map((f) => `${f.flagKey} (${f.baseVersion} → ${f.version ?? 'gone'})`).join(', ');
}
