import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { AppConfig } from '../../config/index.js';
import { DATABASE, type Database } from '../../database/index.js';
import { EVENT_STORE, type EventStore } from '../../event-store/index.js';
import { APP_CONFIG } from '../../shared/index.js';
import { flagStateIn, type FlagRecord, type FlagState } from '../flag-state.js';
import { readAllFlagRecordsAt, readFlagRecordAt } from './flag-state-at.js';

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
  private readonly defaultEnvironment: string;

  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.defaultEnvironment = config.defaultEnvironment;
  }

  /** The flag as `environment` (default: the default one) saw it then; undefined before it was created. */
  async flag(key: string, moment: FlagMoment, environment = this.defaultEnvironment): Promise<FlagState | undefined> {
    const record = await this.record(key, moment);
    return record === undefined ? undefined : flagStateIn(record, environment);
  }

  /** The flag in every environment at that moment; undefined before it was created, or for a version it never reached. */
  async record(key: string, moment: FlagMoment): Promise<FlagRecord | undefined> {
    if ('version' in moment) {
      const record = await readFlagRecordAt(
        this.db,
        this.store.history,
        key,
        { version: moment.version },
        this.defaultEnvironment,
      );
      return record?.version === moment.version ? record : undefined;
    }
    const seq = await this.seqAsOf(moment.asOf);
    return seq === 0 ? undefined : readFlagRecordAt(this.db, this.store.history, key, { seq }, this.defaultEnvironment);
  }

  /** Every flag that existed at `asOf` (archived ones included) as `environment` saw it, in key order, with the last seq they reflect. */
  async all(asOf: string, environment = this.defaultEnvironment): Promise<{ flags: FlagState[]; headSeq: number }> {
    const headSeq = await this.seqAsOf(asOf);
    const records =
      headSeq === 0 ? [] : await readAllFlagRecordsAt(this.db, this.store.history, headSeq, this.defaultEnvironment);
    return { flags: records.map((record) => flagStateIn(record, environment)), headSeq };
  }

  /** The record at `seq` (what a resuming stream folds onto). */
  recordAtSeq(key: string, seq: number): Promise<FlagRecord | undefined> {
    return readFlagRecordAt(this.db, this.store.history, key, { seq }, this.defaultEnvironment);
  }

  /** Events store `at` as ISO UTC with ms, so the instant is normalised to compare as text. */
  private seqAsOf(asOf: string): Promise<number> {
    return this.store.history.lastSeqAt(new Date(asOf).toISOString());
  }
}
