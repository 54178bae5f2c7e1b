import type { ConnectedClient } from './client-sighting.js';

/** A client that has not (knowingly) applied the change. */
export type LaggingClient = Pick<ConnectedClient, 'kind' | 'appName' | 'instanceId' | 'appliedSeq' | 'lastSeen'>;

/** Of the clients following an environment, who holds a flag's latest change there. */
export interface FlagConvergence {
  clients: number;
  /** appliedSeq ≥ the change's seq. */
  applied: number;
  /** appliedSeq unknown (null): an SDK that never said, such as one that only registered. */
  unknown: number;
  /** Every client not known to have applied it: the unknown ones, then those behind, the furthest behind first. */
  notApplied: LaggingClient[];
}

/**
 * Counts `clients` (already those of one environment) against the seq of the change. A seq is a point
 * in the one log, so a client at a later seq holds this change too, whatever happened in between.
 */
export function flagConvergence(changeSeq: number, clients: readonly ConnectedClient[]): FlagConvergence {
  const unknown = clients.filter((c) => c.appliedSeq === null);
  const behind = clients
    .filter((c) => c.appliedSeq !== null && c.appliedSeq < changeSeq)
    .sort((a, b) => a.appliedSeq! - b.appliedSeq!);
  return {
    clients: clients.length,
    applied: clients.length - unknown.length - behind.length,
    unknown: unknown.length,
    notApplied: [...unknown, ...behind].map(({ kind, appName, instanceId, appliedSeq, lastSeen }) => ({
      kind,
      appName,
      instanceId,
      appliedSeq,
      lastSeen,
    })),
  };
}
