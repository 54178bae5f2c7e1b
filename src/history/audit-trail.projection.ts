import { Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { Database } from '../database/database.js';
import type { StoredEvent, TransactionalProjection } from '../event-store/event-store.js';
import { ProjectionRegistry } from '../event-store/projection-registry.js';
import { isFlagEventType, type Change } from '../flags/flag.events.js';
import { chunks } from '../shared/chunks.js';

/** One row per flag event: who did what, when, why, from what to what. */
@Injectable()
export class AuditTrailProjection implements TransactionalProjection {
  readonly name = 'audit_trail';
  readonly tables = ['audit_trail'] as const;

  constructor(registry: ProjectionRegistry) {
    registry.register(this);
  }

  async apply(db: Kysely<Database>, events: readonly StoredEvent[]): Promise<void> {
    const rows = events
      .filter((e) => isFlagEventType(e.type))
      .map((e) => {
        const { from, to } = e.type === 'FlagCreated' ? { from: null, to: e.data } : (e.data as Change<unknown>);
        return {
          seq: e.seq,
          flag_key: e.streamId,
          version: e.version,
          type: e.type,
          actor: e.actor,
          at: e.at,
          reason: e.reason,
          from_value: JSON.stringify(from),
          to_value: JSON.stringify(to),
        };
      });
    for (const chunk of chunks(rows, 1000)) await db.insertInto('audit_trail').values(chunk).execute();
  }
}
