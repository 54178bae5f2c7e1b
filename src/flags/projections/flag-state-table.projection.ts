import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { AppConfig } from '../../config/index.js';
import type { Database } from '../../database/index.js';
import { type ProjectedEvent, type RebuildableProjection, ProjectionRegistry } from '../../event-store/index.js';
import { APP_CONFIG, canonicalJson, chunks } from '../../shared/index.js';
import { evolveFlagRecord, parseFlagRecord, toStoredFlag, type FlagRecord } from '../flag-state.js';
import { isFlagEventType, type FlagEvent } from '../flag.events.js';
import type { FlagStateTable } from './flag-state.table.js';

export const FLAG_STATE_PROJECTION = 'flag_state';

/** A snapshot every this many versions bounds a time-travel read to this many events folded. */
export const SNAPSHOT_EVERY = 1000;

/** Keys per read and rows per upsert: well inside SQLite's and PostgreSQL's bound-parameter limits. */
const ROWS_PER_STATEMENT = 500;

/**
 * Current state of every flag, persisted with the append so a restart loads it instead of replaying,
 * and the flag's state at every 1,000th version (flag_snapshots) for time travel. Both come from the
 * same single fold over the events, so a snapshot costs no extra read.
 */
@Injectable()
export class FlagStateTableProjection implements RebuildableProjection {
  readonly name = FLAG_STATE_PROJECTION;
  readonly tables = ['flag_state', 'flag_snapshots'] as const;

  private readonly defaultEnvironment: string;

  constructor(registry: ProjectionRegistry, @Inject(APP_CONFIG) config: AppConfig) {
    this.defaultEnvironment = config.defaultEnvironment;
    registry.register(this);
  }

  async apply(db: Kysely<Database>, events: readonly ProjectedEvent[]): Promise<void> {
    const byFlag = new Map<string, ProjectedEvent[]>();
    for (const event of events) {
      if (!isFlagEventType(event.type)) continue;
      const list = byFlag.get(event.streamId) ?? [];
      list.push(event);
      byFlag.set(event.streamId, list);
    }
    if (byFlag.size === 0) return;
    // One read and one upsert for every flag the events touch, not two statements per flag: a commit
    // group carries changes to many flags.
    const current = new Map<string, FlagRecord>();
    for (const keys of chunks([...byFlag.keys()], ROWS_PER_STATEMENT)) {
      const rows = await db.selectFrom('flag_state').select(['key', 'state']).where('key', 'in', keys).execute();
      for (const row of rows) current.set(row.key, parseFlagRecord(row.state, this.defaultEnvironment));
    }
    const upserts: FlagStateTable[] = [];
    for (const [key, flagEvents] of byFlag) {
      let state = current.get(key);
      for (const event of flagEvents) {
        state = evolveFlagRecord(state, event as unknown as FlagEvent, event, this.defaultEnvironment);
        if (event.version % SNAPSHOT_EVERY === 0) await this.snapshot(db, state, event);
      }
      upserts.push({
        key,
        state: canonicalJson(toStoredFlag(state!, this.defaultEnvironment)),
        version: state!.version,
        archived: state!.archived ? 1 : 0,
        last_seq: flagEvents[flagEvents.length - 1]!.seq,
      });
    }
    for (const rows of chunks(upserts, ROWS_PER_STATEMENT)) {
      await db
        .insertInto('flag_state')
        .values(rows)
        .onConflict((oc) =>
          oc.column('key').doUpdateSet((eb) => ({
            state: eb.ref('excluded.state'),
            version: eb.ref('excluded.version'),
            archived: eb.ref('excluded.archived'),
            last_seq: eb.ref('excluded.last_seq'),
          })),
        )
        .execute();
    }
  }

  private async snapshot(db: Kysely<Database>, state: FlagRecord, event: ProjectedEvent): Promise<void> {
    const values = {
      key: event.streamId,
      version: event.version,
      seq: event.seq,
      at: event.at,
      state: canonicalJson(toStoredFlag(state, this.defaultEnvironment)),
    };
    await db
      .insertInto('flag_snapshots')
      .values(values)
      .onConflict((oc) =>
        oc.columns(['key', 'version']).doUpdateSet({ seq: values.seq, at: values.at, state: values.state }),
      )
      .execute();
  }
}
