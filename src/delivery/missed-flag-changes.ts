import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '../event-store/index.js';
import {
  eventAppliesTo,
  flagStateIn,
  foldFlagRecord,
  FlagTimeTravel,
  isFlagEventType,
  type FlagRecord,
} from '../flags/index.js';
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
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly timeTravel: FlagTimeTravel,
  ) {}

  /**
   * Every flag event with afterSeq < seq <= untilSeq that changes the flags as `environment` sees them, in
   * seq order, each with the flag's state there after it. Another environment's state events are left
   * out: they change nothing this client holds.
   */
  async read(
    afterSeq: number,
    untilSeq: number,
    environment: string,
    defaultEnvironment: string,
  ): Promise<FlagChange[]> {
    if (untilSeq <= afterSeq) return [];
    // Seqs are gapless, so this is exactly the range; the caller bounds it (MAX_RESUME_GAP).
    const events = (await this.store.readAll(afterSeq, untilSeq - afterSeq)).filter(
      (e) => e.seq <= untilSeq && isFlagEventType(e.type),
    );
    const records = new Map<string, FlagRecord | undefined>();
    for (const key of new Set(events.map((e) => e.streamId)))
      records.set(key, await this.timeTravel.recordAtSeq(key, afterSeq));
    const changes: FlagChange[] = [];
    for (const event of events) {
      const record = foldFlagRecord(records.get(event.streamId), [event], defaultEnvironment)!;
      records.set(event.streamId, record);
      if (eventAppliesTo(event, environment, defaultEnvironment))
        changes.push(toFlagChange(event, flagStateIn(record, environment)));
    }
    return changes;
  }
}
