import type { Kysely } from 'kysely';
import type { Database } from '../../src/database/database.js';
import type { EventStore, NewEvent, TransactionalProjection } from '../../src/event-store/event-store.js';
import type { ProjectionRegistry } from '../../src/event-store/projection-registry.js';
import type { ManualClock } from './clock.js';

/*
 * What the event-store contract suites share: the store under test as each implementation's spec opens
 * it, and the events, context and probe projection they append with.
 */

export interface EventStoreUnderTest {
  store: EventStore;
  db: Kysely<Database>;
  registry: ProjectionRegistry;
  clock: ManualClock;
  close: () => Promise<void>;
}

export const ev = (n: number): NewEvent => ({ type: 'Thing', schemaVersion: 1, data: { n, nested: { b: 2, a: 1 } } });
export const ctx = { actor: 'alice', reason: 'because' };
export const oneTo = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

/** The seq a projection's checkpoint stands at, if it has one. */
export async function checkpointOf(db: Kysely<Database>, name: string): Promise<number | undefined> {
  const row = await db.selectFrom('projection_checkpoints').select('seq').where('name', '=', name).executeTakeFirst();
  return row?.seq;
}

/** A projection that records the seqs it was given, and fails when told to. */
export function probe(name: string, seen: number[] = [], fails = false): TransactionalProjection {
  return {
    name,
    apply: async (_db, events) => {
      if (fails) throw new Error(`${name} broke`);
      seen.push(...events.map((e) => e.seq));
    },
  };
}
