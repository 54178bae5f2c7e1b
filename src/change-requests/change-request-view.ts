import { environmentStateOf, type FlagEnvironmentState, type FlagStateReader } from '../flags/index.js';
import type { ProposedChange } from './change-request.events.js';
import type { ChangeRequest } from './change-request.js';
import { proposedStateOf } from './proposed-change.js';

/** A proposed change as a reviewer reads it: the flag's state now → after the change, and whether it moved. */
export interface ChangeView extends ProposedChange {
  /** The flag's version now; null when it is gone. */
  currentVersion: number | null;
  current: FlagEnvironmentState | null;
  proposed: FlagEnvironmentState | null;
  /** The flag moved past `baseVersion` (or is archived): applying would be refused until re-based. */
  conflict: boolean;
}

export interface ChangeRequestView extends Omit<ChangeRequest, 'changes'> {
  changes: ChangeView[];
}

/** The request with each change laid against the flag's state in the request's environment now. */
export function changeRequestView(request: ChangeRequest, flags: FlagStateReader): ChangeRequestView {
  return {
    ...request,
    changes: request.changes.map((change) => {
      const record = flags.record(change.flagKey);
      if (record === undefined)
        return { ...change, currentVersion: null, current: null, proposed: null, conflict: true };
      const current = environmentStateOf(record, request.environment);
      return {
        ...change,
        currentVersion: record.version,
        current,
        proposed: proposedStateOf(current, change),
        conflict: record.archived || record.version !== change.baseVersion,
      };
    }),
  };
}
