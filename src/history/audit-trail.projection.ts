import { Injectable } from '@nestjs/common';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../database/database.js';
import type { StoredEvent, TransactionalProjection } from '../event-store/event-store.js';
import { ProjectionRegistry } from '../event-store/projection-registry.js';
import { isFlagEventType, type Change } from '../flags/flag.events.js';

const COLUMNS = ['seq', 'flag_key', 'version', 'type', 'actor', 'at', 'reason', 'from_value', 'to_value'] as const;

/** One row per flag event: who did what, when, why, from what to what. */
@Injectable()
export class AuditTrailProjection implements TransactionalProjection {
  readonly name = 'audit_trail';
  readonly tables = ['audit_trail'] as const;

  constructor(registry: ProjectionRegistry) {
    registry.register(this);
  }

  async apply(db: Kysely<Database>, events: readonly StoredEvent[]): Promise<void> {
    // Rows as arrays in column order, sent as one JSON parameter however many there are: SQLite unpacks
    // it itself (json_each), far cheaper than compiling a statement with nine placeholders per row.
    const rows = events
      .filter((e) => isFlagEventType(e.type))
      .map((e) => {
        const { from, to } = e.type === 'FlagCreated' ? { from: null, to: e.data } : (e.data as Change<unknown>);
        return [e.seq, e.streamId, e.version, e.type, e.actor, e.at, e.reason, JSON.stringify(from), JSON.stringify(to)];
      });
    if (rows.length === 0) return;
    const column = (index: number) => sql`j.value ->> ${sql.raw(String(index))}`;
    await db
      .insertInto('audit_trail')
      .columns(COLUMNS)
      .expression(
        db.selectFrom(sql<{ value: string }>`json_each(${JSON.stringify(rows)})`.as('j')).select(COLUMNS.map((name, i) => column(i).as(name))),
      )
      .execute();
  }
}
