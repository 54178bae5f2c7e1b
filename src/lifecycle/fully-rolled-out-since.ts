import { evolveFlagState, type FlagEvent, type EventEnvelopeFacts, type FlagState } from '../flags/index.js';
import { isFullyRolledOut } from './stale-rules.js';

/**
 * When the flag last became fully rolled out (enabled, 100 %, no kill switch), if it still is: a flag
 * rolled to 100 %, back to 50 %, then to 100 % again counts from the last time, not from its creation.
 */
export function fullyRolledOutSince(
  history: Iterable<{ event: FlagEvent; envelope: EventEnvelopeFacts }>,
): string | null {
  let state: FlagState | undefined;
  let since: string | null = null;
  for (const { event, envelope } of history) {
    const wasFull = state !== undefined && isFullyRolledOut(state);
    state = evolveFlagState(state, event, envelope);
    const isFull = isFullyRolledOut(state);
    if (isFull && !wasFull) since = envelope.at;
    if (!isFull) since = null;
  }
  return since;
}
