import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { ManualClock } from '../../../test/support/clock.js';
import { eventStoreContract } from '../../../test/support/event-store.contract.js';
import {
  createTemplateDatabase,
  testPostgresUrl,
  type TemplateDatabase,
  type TestDatabase,
} from '../../../test/support/postgres-test-database.js';
import { openPostgresDatabase, type OpenedPostgresDatabase } from '../../database/index.js';
import { verifyChain } from '../../integrity/index.js';
import { VersionConflictError, type NewEvent, type StoredEvent, type StreamAppend } from '../event-store.js';
import { ProjectionRegistry } from '../projection-registry.js';
import { APPEND_LOCK_ID, PostgresEventStore, type PostgresEventStoreOptions } from './postgres.event-store.js';

// Without a server the whole suite fails here, rather than skipping: see testPostgresUrl.
testPostgresUrl();

// Every test gets its own database (advisory locks are per database), cloned from one migrated once.
let migrated: TemplateDatabase;
beforeAll(async () => {
  migrated = await createTemplateDatabase(async (url) => (await openPostgresDatabase(url)).db.destroy());
});
afterAll(() => migrated.drop());

const openContractStore = (options: PostgresEventStoreOptions) => async () => {
  const database = await migrated.clone();
  const { db } = await openPostgresDatabase(database.url);
  // Open every pooled connection up front, as on a running server: otherwise the concurrency tests'
  // appends queue behind connection set-up (SCRAM takes milliseconds) and never actually overlap.
  await Promise.all(Array.from({ length: 10 }, () => sql`SELECT pg_sleep(0.05)`.execute(db)));
  const registry = new ProjectionRegistry();
  const clock = new ManualClock();
  return {
    store: new PostgresEventStore(db, registry, clock, options),
    db,
    registry,
    clock,
    close: async () => {
      await db.destroy();
      await database.drop();
    },
  };
};

eventStoreContract('PostgreSQL', openContractStore({}));
// Once more with one row per page, so every read in the contract crosses iterate's page boundaries.
eventStoreContract('PostgreSQL, iterating one row per page', openContractStore({ pageSize: 1 }));

const ev = (n: number): NewEvent => ({ type: 'Thing', schemaVersion: 1, data: { n } });
const ctx = { actor: 'alice', reason: null };
const oneTo = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

describe('PostgresEventStore across instances', () => {
  let database: TestDatabase;
  let opened: OpenedPostgresDatabase[];

  beforeEach(async () => {
    database = await migrated.clone();
    opened = [];
  });
  afterEach(async () => {
    for (const { db } of opened) await db.destroy();
    await database.drop();
  });

  /** One Flagledger instance: its own pool, registry and clock over the shared database. */
  async function instance(registry = new ProjectionRegistry()): Promise<PostgresEventStore> {
    const handle = await openPostgresDatabase(database.url);
    opened.push(handle);
    return new PostgresEventStore(handle.db, registry, new ManualClock());
  }

  it('keeps one gapless seq and one chain when two instances append at once, and a follower never skips a seq', async () => {
    const [a, b, follower] = await Promise.all([instance(), instance(), instance()]);
    let writing = true;
    const observed: number[] = [];
    // What a projection or an SSE feed on a third instance does: read seq > the last one it saw.
    const following = (async () => {
      let last = 0;
      for (;;) {
        const finalRead = !writing;
        const batch = await follower.readAll(last, 7);
        for (const event of batch) {
          observed.push(event.seq);
          last = event.seq;
        }
        if (batch.length === 0 && finalRead) return;
        if (batch.length === 0) await sleep(1);
      }
    })();
    const results = await Promise.allSettled(
      [a, b].flatMap((store, writer) =>
        Array.from({ length: 25 }, async (_, i) => {
          const streamId = `s${(i * 3 + writer) % 10}`;
          const version = (await store.readStream(streamId)).length;
          return store.append(streamId, version, i % 4 === 0 ? [ev(i), ev(i + 100)] : [ev(i)], ctx);
        }),
      ),
    );
    writing = false;
    await following;

    const committed = results.flatMap((r) =>
      r.status === 'fulfilled' && r.value.kind === 'appended' ? [r.value.events] : [],
    );
    for (const result of results)
      if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(VersionConflictError);
    expect(committed.length).toBeGreaterThanOrEqual(10);
    const all = await follower.readAll(0, 1000);
    expect(all.map((e) => e.seq)).toEqual(oneTo(committed.flat().length));
    expect(all).toEqual(committed.flat().sort((x, y) => x.seq - y.seq));
    // Each read returned the seqs right after the last one: no event ever committed behind the follower.
    expect(observed).toEqual(oneTo(all.length));
    expect(await verifyChain(a.iterate({}), { checkpoints: [], complete: true })).toMatchObject({
      ok: true,
      events: all.length,
      headHash: all[all.length - 1]!.hash,
    });
  });

  it('applies a catch-up exactly once when instances starting together both read the old checkpoint', async () => {
    const writer = await instance();
    for (let i = 0; i < 5; i++) await writer.append('a', i, [ev(i)], ctx);
    const events = await writer.readAll(0, 100);
    const applied: number[] = [];
    const counting = (registry: ProjectionRegistry) => {
      const projection = {
        name: 'late-projection',
        apply: async (_trx: unknown, batch: readonly StoredEvent[]) => void applied.push(...batch.map((e) => e.seq)),
      };
      registry.register(projection);
      return projection;
    };
    const [first, second] = [new ProjectionRegistry(), new ProjectionRegistry()];
    const [a, b] = await Promise.all([instance(first), instance(second)]);
    // Both saw no checkpoint for the projection (0) before either took the lock: each asks for all five.
    await Promise.all([
      a.applyProjections([{ projection: counting(first), events }]),
      b.applyProjections([{ projection: counting(second), events }]),
    ]);
    expect(applied).toEqual(oneTo(5));
  });

  /** Runs `race` while another session holds the append lock, so every append it starts queues on the lock. */
  async function behindTheLock<T>(race: () => Promise<T>): Promise<T> {
    const client = await opened[0]!.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT pg_advisory_xact_lock(${APPEND_LOCK_ID})`);
      const raced = race();
      await sleep(100);
      await client.query('COMMIT');
      return await raced;
    } finally {
      client.release();
    }
  }

  it('lets exactly one of two instances applying over overlapping streams win, or the other replay it', async () => {
    const [a, b] = await Promise.all([instance(), instance()]);
    // Each instance's unit: a stream of its own, then the streams both name (a change request's flag and its own).
    const unit = (own: string, round: number): StreamAppend[] => [
      { streamId: `${own}-${round}`, expectedVersion: 0, events: [ev(round)] },
      { streamId: `flag-${round}`, expectedVersion: 0, events: [ev(round)] },
      { streamId: `change-request:${round}`, expectedVersion: 0, events: [ev(round)] },
    ];
    for (let round = 0; round < 5; round++) {
      const results = await behindTheLock(() =>
        Promise.allSettled([a.appendAll(unit('a', round), ctx), b.appendAll(unit('b', round), ctx)]),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.find((r) => r.status === 'rejected')).toEqual({
        status: 'rejected',
        reason: new VersionConflictError(`flag-${round}`, 0, 1),
      });
    }
    // The scheduled apply: both instances claim the key derived from the request, so the loser replays.
    const claimed = {
      ...ctx,
      idempotency: {
        scope: 'scheduler',
        key: 'apply:change-request:5',
        fingerprint: 'f',
        render: (stored: StoredEvent[]) => ({ status: 200, body: { seqs: stored.map((e) => e.seq) } }),
      },
    };
    const applied = await behindTheLock(() =>
      Promise.all([a.appendAll(unit('same', 5), claimed), b.appendAll(unit('same', 5), claimed)]),
    );
    expect(applied.map((r) => r.kind).sort()).toEqual(['appended', 'replayed']);
    expect(applied[1]!.response).toEqual(applied[0]!.response);

    const all = await a.readAll(0, 100);
    expect(all.map((e) => e.seq)).toEqual(oneTo(18));
    // Each winner's three events are consecutive: no other append came between them.
    for (let round = 0; round <= 5; round++)
      expect(all.slice(round * 3, round * 3 + 3).map((e) => e.streamId.replace(/^(a|b|same)-/, 'own-'))).toEqual([
        `own-${round}`,
        `flag-${round}`,
        `change-request:${round}`,
      ]);
    expect(await verifyChain(a.iterate({}), { checkpoints: [], complete: true })).toMatchObject({
      ok: true,
      events: 18,
    });
  });

  it('makes an append wait while another session holds the append lock', async () => {
    const store = await instance();
    const client = await opened[0]!.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT pg_advisory_xact_lock(${APPEND_LOCK_ID})`);
      let done = false;
      const append = store.append('a', 0, [ev(1)], ctx).then((result) => ((done = true), result));
      await sleep(300);
      expect(done).toBe(false);
      await client.query('COMMIT');
      expect(await append).toMatchObject({ kind: 'appended', events: [{ seq: 1 }] });
    } finally {
      client.release();
    }
  });

  it('holds the append lock for the whole append transaction, projections included', async () => {
    const registry = new ProjectionRegistry();
    const locks: unknown[] = [];
    registry.register({
      name: 'lock-probe',
      apply: async (trx) => {
        const { rows } =
          await sql`SELECT classid, objid, objsubid, granted FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()`.execute(
            trx,
          );
        locks.push(...rows);
      },
    });
    const store = await instance(registry);
    await store.append('a', 0, [ev(1)], ctx);
    const high = Number(APPEND_LOCK_ID >> 32n);
    const low = Number(APPEND_LOCK_ID & 0xffffffffn);
    expect(locks).toEqual([{ classid: high, objid: low, objsubid: 1, granted: true }]);
    expect([high, low]).toEqual([1181507943, 1818584167]);
  });

  it('iterates page by page up to the head it read first, however many pages and appends follow', async () => {
    const handle = await openPostgresDatabase(database.url);
    opened.push(handle);
    const store = new PostgresEventStore(handle.db, new ProjectionRegistry(), new ManualClock(), { pageSize: 2 });
    for (let i = 0; i < 7; i++)
      await store.append(i % 2 === 0 ? 'even' : 'odd', Math.floor(i / 2), [ev(i)], {
        actor: i < 4 ? 'alice' : 'bob',
        reason: null,
      });
    const seen: StoredEvent[] = [];
    for await (const event of store.iterate({})) {
      // Appends between pages land beyond the head the iteration started from.
      await store.append('late', seen.length, [ev(100 + seen.length)], ctx);
      seen.push(event);
    }
    expect(seen.map((e) => e.seq)).toEqual(oneTo(7));
    const seqs = async (filter: Parameters<PostgresEventStore['iterate']>[0]) => {
      const out: number[] = [];
      for await (const event of store.iterate(filter)) out.push(event.seq);
      return out;
    };
    expect(await seqs({ streamId: 'even' })).toEqual([1, 3, 5, 7]);
    expect(await seqs({ actor: 'bob', afterSeq: 5 })).toEqual([6, 7]);
    expect(await seqs({ streamId: 'late', untilSeq: 11 })).toEqual([8, 9, 10, 11]);
  });

  it('refuses a page size that is not a positive integer', async () => {
    const handle = await openPostgresDatabase(database.url);
    opened.push(handle);
    expect(
      () => new PostgresEventStore(handle.db, new ProjectionRegistry(), new ManualClock(), { pageSize: 0 }),
    ).toThrow('pageSize must be a positive integer, got 0');
  });
});
