import { Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { Database } from '../../database/database.js';
import type { StoredEvent, TransactionalProjection } from '../../event-store/event-store.js';
import { ProjectionRegistry } from '../../event-store/projection-registry.js';
import { canonicalJson } from '../../shared/canonical-json.js';
import { foldFlagEvents } from '../flag-event-folding.js';
import { isFlagEventType } from '../flag.events.js';
import type { FlagState } from '../flag-state.js';

export const FLAG_STATE_PROJECTION = 'flag_state';

/** Current state of every flag, persisted with the append so a restart loads it instead of replaying. */
@Injectable()
export class FlagStateTableProjection implements TransactionalProjection {
  readonly name = FLAG_STATE_PROJECTION;
  readonly tables = ['flag_state'] as const;

  constructor(registry: ProjectionRegistry) {
    registry.register(this);
  }

  async apply(db: Kysely<Database>, events: readonly StoredEvent[]): Promise<void> {
    const byFlag = new Map<string, StoredEvent[]>();
    for (const event of events) {
      if (!isFlagEventType(event.type)) continue;
      const list = byFlag.get(event.streamId) ?? [];
      list.push(event);
      byFlag.set(event.streamId, list);
    }
    for (const [key, flagEvents] of byFlag) {
      const row = await db.selectFrom('flag_state').select('state').where('key', '=', key).executeTakeFirst();
      const before = row === undefined ? undefined : (JSON.parse(row.state) as FlagState);
      const after = foldFlagEvents(before, flagEvents)!;
      const values = {
        key,
        state: canonicalJson(after),
        version: after.version,
        archived: after.archived ? 1 : 0,
        last_seq: flagEvents[flagEvents.length - 1]!.seq,
      };
      await db
        .insertInto('flag_state')
        .values(values)
        .onConflict((oc) => oc.column('key').doUpdateSet({ state: values.state, version: values.version, archived: values.archived, last_seq: values.last_seq }))
        .execute();
    }
  }
}
