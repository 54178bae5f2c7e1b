import { evolveFlagRecord, type EventEnvelopeFacts, type FlagEvent, type FlagRecord } from '../flags/index.js';
import { isFullyRolledOutIn } from './stale-rules.js';

/** Which environments a rollout is judged in, and where events without `data.environment` act. */
export interface RolloutEnvironments {
  /** The environments of type `production` (productionEnvironments). */
  production: readonly string[];
  defaultEnvironment: string;
}

/** The default environment alone, as a deployment without FLAGLEDGER_DEFAULT_ENVIRONMENT or other environments has it. */
const DEFAULT_ONLY: RolloutEnvironments = { production: ['production'], defaultEnvironment: 'production' };

/**
 * When the flag last became fully rolled out (enabled, 100 %, no kill switch) in every production
 * environment, if it still is: a flag rolled to 100 %, back to 50 %, then to 100 % again counts from the
 * last time, not from its creation; with two production environments, from when the later one got there.
 *
 * The history is folded with evolveFlagRecord, the projections' own fold, and each environment read from
 * the record, so events written before environments act in the default environment only, as everywhere else.
 */
export function fullyRolledOutSince(
  history: Iterable<{ event: FlagEvent; envelope: EventEnvelopeFacts }>,
  { production, defaultEnvironment }: RolloutEnvironments = DEFAULT_ONLY,
): string | null {
  let record: FlagRecord | undefined;
  let since: string | null = null;
  for (const { event, envelope } of history) {
    const wasFull = record !== undefined && isFullyRolledOutIn(record, production);
    record = evolveFlagRecord(record, event, envelope, defaultEnvironment);
    const isFull = isFullyRolledOutIn(record, production);
    if (isFull && !wasFull) since = envelope.at;
    if (!isFull) since = null;
  }
  return since;
}
