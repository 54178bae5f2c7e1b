import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { DATABASE, type Database } from '../../database/index.js';
import { EVENT_STORE, type EventStore } from '../../event-store/index.js';
import type { FlagState } from '../flag-state.js';
import { readAllFlagStatesAt, readFlagStateAt } from './flag-state-at.js';

/** When to read a flag: as of an instant (ISO-8601 with a zone), or right after one of its versions. */
export type FlagMoment = { asOf: string } | { version: number };

export function describeMoment(moment: FlagMoment): string {
  return 'asOf' in moment ? `as of ${moment.asOf}` : `at version ${moment.version}`;
}

/**
 * Time travel: flags exactly as they were, computed from the log (the latest per-flag snapshot plus the
 * events after it), never from the live projection.
 */
@Injectable()
export class FlagTimeTravel {
  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /** The flag at that moment; undefined before it was created, or for a version it never reached. */
  async flag(key: string, moment: FlagMoment): Promise<FlagState | undefined> {
    if ('version' in moment) {
      const state = await readFlagStateAt(this.db, this.store.history, key, { version: moment.version });
      return state?.version === moment.version ? state : undefined;
    }
    const seq = await this.seqAsOf(moment.asOf);
    return seq === 0 ? undefined : readFlagStateAt(this.db, this.store.history, key, { seq });
  }

  /** Every flag that existed at `asOf` (archived ones included), in key order, with the last seq they reflect. */
  async all(asOf: string): Promise<{ flags: FlagState[]; headSeq: number }> {
    const headSeq = await this.seqAsOf(asOf);
    return { flags: headSeq === 0 ? [] : await readAllFlagStatesAt(this.db, this.store.history, headSeq), headSeq };
  }

  /** Events store `at` as ISO UTC with ms, so the instant is normalised to compare as text. */
  private seqAsOf(asOf: string): Promise<number> {
    return this.store.history.lastSeqAt(new Date(asOf).toISOString());
  }
}
