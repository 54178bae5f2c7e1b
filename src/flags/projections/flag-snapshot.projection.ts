import { Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { Database } from '../../database/database.js';
import type { StoredEvent, TransactionalProjection } from '../../event-store/event-store.js';
import { ProjectionRegistry } from '../../event-store/projection-registry.js';
import { canonicalJson } from '../../shared/canonical-json.js';
import { isFlagEventType } from '../flag.events.js';
import { readFlagStateAt } from '../time-travel/flag-state-at.js';

export const FLAG_SNAPSHOT_PROJECTION = 'flag_snapshots';

/** A snapshot every this many versions bounds a time-travel read to this many events folded. */
export const SNAPSHOT_EVERY = 1000;

export function isSnapshotVersion(version: number): boolean {
  return version % SNAPSHOT_EVERY === 0;
}

/** Writes a flag's state at each of its versions that is a multiple of SNAPSHOT_EVERY. */
@Injectable()
export class FlagSnapshotProjection implements TransactionalProjection {
  readonly name = FLAG_SNAPSHOT_PROJECTION;
  readonly tables = ['flag_snapshots'] as const;

  constructor(registry: ProjectionRegistry) {
    registry.register(this);
  }

  async apply(db: Kysely<Database>, events: readonly StoredEvent[]): Promise<void> {
    // A rebuild hands us a handle scoped to its scratch schema; the log itself always lives in `main`.
    const log = db.withSchema('main');
    for (const event of events) {
      if (!isFlagEventType(event.type) || !isSnapshotVersion(event.version)) continue;
      // The events are already in the log (this transaction's inserts, or committed ones on catch-up and
      // rebuild), so the state is the previous snapshot plus at most SNAPSHOT_EVERY events: the same fold
      // time travel does, and independent of the order projections run in.
      const state = await readFlagStateAt(db, event.streamId, { version: event.version }, log);
      if (state?.version !== event.version) throw new Error(`snapshot of '${event.streamId}' at version ${event.version} folded to version ${state?.version}`);
      const values = { key: event.streamId, version: event.version, seq: event.seq, at: event.at, state: canonicalJson(state) };
      await db
        .insertInto('flag_snapshots')
        .values(values)
        .onConflict((oc) => oc.columns(['key', 'version']).doUpdateSet({ seq: values.seq, at: values.at, state: values.state }))
        .execute();
    }
  }
}
