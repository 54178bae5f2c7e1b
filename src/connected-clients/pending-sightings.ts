import { MAX_TRACKED_CLIENTS, type ClientKind, type ClientSighting } from './client-sighting.js';

/** What one instance knows of a client since its last write: the later instants win on merge. */
export interface PendingSighting {
  kind: ClientKind;
  environment: string;
  appName: string;
  instanceId: string;
  /** ms */
  lastSeen: number;
  /** The latest report of what the client applied, if any sighting since the last write made one. */
  applied?: { seq: number | null; etag: string | null; at: number };
}

/**
 * The sightings noted on the request path and not yet written: one map write per request, no I/O. A
 * Map keeps insertion order and a sighting is re-inserted on every note, so the first entry is always the
 * stalest, and it is the one dropped once MAX_TRACKED_CLIENTS are held.
 */
export class PendingSightings {
  private entries = new Map<string, PendingSighting>();

  constructor(private readonly max: number = MAX_TRACKED_CLIENTS) {}

  get size(): number {
    return this.entries.size;
  }

  note(sighting: ClientSighting, at: number): void {
    const { kind, environment } = sighting;
    const appName = sighting.appName ?? '';
    const instanceId = sighting.instanceId ?? '';
    if (appName === '' && instanceId === '') return;
    const applied =
      sighting.appliedSeq === undefined ? undefined : { seq: sighting.appliedSeq, etag: sighting.etag ?? null, at };
    this.merge({ kind, environment, appName, instanceId, lastSeen: at, applied });
  }

  /** Everything noted since the last take; the caller writes it, or gives it back if that fails. */
  take(): PendingSighting[] {
    const taken = [...this.entries.values()];
    this.entries = new Map();
    return taken;
  }

  /** A batch whose write failed, merged under what was noted meanwhile (the later instants win). */
  giveBack(batch: readonly PendingSighting[]): void {
    for (const sighting of batch) this.merge(sighting);
  }

  private merge(sighting: PendingSighting): void {
    // NUL cannot be sent in a header or a validated report field, so no two sightings share a key.
    const key = [sighting.kind, sighting.environment, sighting.appName, sighting.instanceId].join('\0');
    const known = this.entries.get(key);
    this.entries.delete(key);
    const merged: PendingSighting =
      known === undefined
        ? sighting
        : {
            ...sighting,
            lastSeen: Math.max(known.lastSeen, sighting.lastSeen),
            applied: later(known.applied, sighting.applied),
          };
    if (merged.applied === undefined) delete merged.applied;
    this.entries.set(key, merged);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }
}

function later<T extends { at: number }>(a: T | undefined, b: T | undefined): T | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return b.at >= a.at ? b : a;
}
