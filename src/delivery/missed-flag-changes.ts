import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { DATABASE, type Database } from '../database/index.js';
import { EVENT_STORE, type EventStore } from '../event-store/index.js';
import { type FlagState, foldFlagEvents, isFlagEventType, readFlagStateAt } from '../flags/index.js';
import { toFlagChange, type FlagChange } from './flag-change.js';

/**
 * The flag changes a resuming client missed, read back from the committed log: each flag's state at the
 * client's seq comes from time travel (latest snapshot plus the events after it), then the missed events
 * are folded onto it with the same evolve the live projection uses, so every state sent equals the one the
 * live stream sent (or would have sent) for that seq.
 */
@Injectable()
export class MissedFlagChanges {
  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /** Every flag event with afterSeq < seq <= untilSeq, in seq order, each with the flag's state after it. */
  async read(afterSeq: number, untilSeq: number): Promise<FlagChange[]> {
    if (untilSeq <= afterSeq) return [];
    // Seqs are gapless, so this is exactly the range; the caller bounds it (MAX_RESUME_GAP).
    const events = (await this.store.readAll(afterSeq, untilSeq - afterSeq)).filter(
      (e) => e.seq <= untilSeq && isFlagEventType(e.type),
    );
    const states = new Map<string, FlagState | undefined>();
    for (const key of new Set(events.map((e) => e.streamId)))
      states.set(key, await readFlagStateAt(this.db, this.store.history, key, { seq: afterSeq }));
    return events.map((event) => {
      const state = foldFlagEvents(states.get(event.streamId), [event])!;
      states.set(event.streamId, state);
      return toFlagChange(event, state);
    });
  }
}
