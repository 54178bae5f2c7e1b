import { join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { jest } from '@jest/globals';
import BetterSqlite3 from 'better-sqlite3';
import { ManualClock } from '../../../test/support/clock.js';
import { tempDir } from '../../../test/support/temp-dir.js';
import { openSqliteDatabase } from '../../database/index.js';
import {
  VersionConflictError,
  type AppendResult,
  type StoredEvent,
  type TransactionalProjection,
} from '../event-store.js';
import { ProjectionRegistry } from '../projection-registry.js';
import { SqliteEventStore } from './sqlite.event-store.js';

/**
 * Event-loop turns a lone append may take to commit: one today (GroupCommit's own yield). A turn, not a
 * time, so a slow machine cannot fail it; a wait that escapes the fake timers outlasts it.
 */
const LONE_APPEND_TURNS = 3;

const ctx = { actor: 'alice', reason: null };
const thing = (data: unknown) => [{ type: 'Thing', schemaVersion: 1, data }];

/** Records each call's events; throws on an event whose data says so (a projection bug for one command). */
class RecordingProjection implements TransactionalProjection {
  readonly name = 'recording';
  readonly calls: number[][] = [];
  async apply(_db: unknown, events: readonly StoredEvent[]): Promise<void> {
    if (events.some((e) => (e.data as { poison?: boolean }).poison === true)) throw new Error('projection bug');
    this.calls.push(events.map((e) => e.seq));
  }
}

describe('SqliteEventStore group commit', () => {
  let store: SqliteEventStore;
  let projection: RecordingProjection;
  let close: () => Promise<void>;

  beforeEach(async () => {
    const { dir, cleanup } = tempDir();
    const path = join(dir, 'events.db');
    const { db } = await openSqliteDatabase(path, 'full');
    const registry = new ProjectionRegistry();
    projection = new RecordingProjection();
    registry.register(projection);
    store = new SqliteEventStore(db, registry, new ManualClock(), () => new BetterSqlite3(path, { readonly: true }));
    close = async () => {
      await db.destroy();
      cleanup();
    };
  });
  afterEach(() => close());

  it('commits appends that arrive together in one transaction, each still checked on its own', async () => {
    await store.append('contended', 0, thing({ n: 0 }), ctx);
    projection.calls.length = 0;
    const results = await Promise.allSettled([
      ...Array.from({ length: 20 }, (_, i) => store.append(`s${i}`, 0, thing({ n: i }), ctx)),
      store.append('contended', 1, thing({ n: 'winner' }), ctx),
      store.append('contended', 1, thing({ n: 'loser' }), ctx),
    ]);
    expect(results.slice(0, 21).every((r) => r.status === 'fulfilled')).toBe(true);
    expect(results[21]).toEqual({ status: 'rejected', reason: new VersionConflictError('contended', 1, 2) });
    // One group: the projection saw all 21 appended events in a single call, in seq order.
    expect(projection.calls).toEqual([Array.from({ length: 21 }, (_, i) => i + 2)]);
    const log = await store.readAll(0, 100);
    expect(log.map((e) => e.seq)).toEqual(Array.from({ length: 22 }, (_, i) => i + 1));
    expect((await store.readStream('contended')).map((e) => (e.data as { n: unknown }).n)).toEqual([0, 'winner']);
  });

  it('when one append breaks the group transaction, the others still commit and only that one fails', async () => {
    const results = await Promise.allSettled([
      store.append('a', 0, thing({ n: 1 }), ctx),
      store.append('b', 0, thing({ poison: true }), ctx),
      store.append('c', 0, thing({ n: 3 }), ctx),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('projection bug'));
    const log = await store.readAll(0, 100);
    expect(log.map((e) => [e.seq, e.streamId])).toEqual([
      [1, 'a'],
      [2, 'c'],
    ]);
    expect(log[1]!.prevHash).toBe(log[0]!.hash);
  });

  it('a multi-stream append is one member of its group: it fails whole and alone, its group-mates commit', async () => {
    const unit = (flag: string, data: unknown) =>
      store.appendAll(
        [
          { streamId: flag, expectedVersion: 0, events: thing({ n: flag }) },
          { streamId: `change-request:${flag}`, expectedVersion: 0, events: thing(data) },
        ],
        ctx,
      );
    const results = await Promise.allSettled([
      store.append('a', 0, thing({ n: 1 }), ctx),
      unit('poisoned', { poison: true }),
      unit('conflicting', { n: 2 }),
      store.append('conflicting', 0, thing({ n: 3 }), ctx),
      unit('fine', { n: 4 }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('projection bug'));
    // Checked against the log as its group-mates left it: the unit before it took 'conflicting'.
    expect((results[3] as PromiseRejectedResult).reason).toEqual(new VersionConflictError('conflicting', 0, 1));
    const log = await store.readAll(0, 100);
    expect(log.map((e) => [e.seq, e.streamId])).toEqual([
      [1, 'a'],
      [2, 'conflicting'],
      [3, 'change-request:conflicting'],
      [4, 'fine'],
      [5, 'change-request:fine'],
    ]);
    expect(log.every((e, i) => i === 0 || e.prevHash === log[i - 1]!.hash)).toBe(true);
  });

  it('an append arriving alone commits at once, without waiting for company', async () => {
    // Timers frozen, the event loop still turning: an append that waited for company on a timer would
    // schedule one and never commit. GroupCommit yields one turn (so appends already arrived can join);
    // the SQLite driver is synchronous, so a lone append commits within a few turns, never thousands, and
    // a wait that escapes the fake timers (timers/promises) runs out of turns instead.
    jest.useFakeTimers({
      doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'Date', 'hrtime', 'performance'],
    });
    try {
      let result: AppendResult | undefined;
      void store.append('alone', 0, thing({ n: 1 }), ctx).then((r) => (result = r));
      let turns = 0;
      while (result === undefined && jest.getTimerCount() === 0 && turns < LONE_APPEND_TURNS) {
        turns++;
        await yieldToEventLoop();
      }
      expect({ committed: result !== undefined, timersWaiting: jest.getTimerCount() }).toEqual({
        committed: true,
        timersWaiting: 0,
      });
      expect(result!.kind).toBe('appended');
      expect(projection.calls).toEqual([[1]]);
    } finally {
      jest.useRealTimers();
    }
  });
});
