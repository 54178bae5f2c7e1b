import type { Kysely } from 'kysely';
import type { Database } from '../../src/database/database.js';
import { eventHash } from '../../src/event-store/event-hash.js';
import {
  GENESIS_HASH,
  IdempotencyKeyReusedError,
  VersionConflictError,
  type EventStore,
  type NewEvent,
  type StoredEvent,
  type TransactionalProjection,
} from '../../src/event-store/event-store.js';
import { ProjectionRegistry } from '../../src/event-store/projection-registry.js';
import type { ManualClock } from './test-app.js';

export interface EventStoreUnderTest {
  store: EventStore;
  db: Kysely<Database>;
  registry: ProjectionRegistry;
  clock: ManualClock;
  close: () => Promise<void>;
}

const ev = (n: number): NewEvent => ({ type: 'Thing', schemaVersion: 1, data: { n, nested: { b: 2, a: 1 } } });
const ctx = { actor: 'alice', reason: 'because' };

/** The behaviour every EventStore implementation must have; each implementation's spec runs this. */
export function eventStoreContract(name: string, open: () => Promise<EventStoreUnderTest>): void {
  describe(`${name} event store contract`, () => {
    let s: EventStoreUnderTest;
    beforeEach(async () => {
      s = await open();
    });
    afterEach(() => s.close());

    it('appends with per-stream versions and a gapless global seq across streams', async () => {
      await s.store.append('a', 0, [ev(1), ev(2)], ctx);
      await s.store.append('b', 0, [ev(3)], ctx);
      await s.store.append('a', 2, [ev(4)], ctx);
      const all = await s.store.readAll(0, 100);
      expect(all.map((e) => [e.seq, e.streamId, e.version])).toEqual([
        [1, 'a', 1],
        [2, 'a', 2],
        [3, 'b', 1],
        [4, 'a', 3],
      ]);
      expect((await s.store.readStream('a')).map((e) => (e.data as { n: number }).n)).toEqual([1, 2, 4]);
      expect(await s.store.readStream('nothing')).toEqual([]);
    });

    it('refuses an append at the wrong expected version, naming both versions, and writes nothing', async () => {
      await s.store.append('a', 0, [ev(1)], ctx);
      await expect(s.store.append('a', 0, [ev(2)], ctx)).rejects.toEqual(new VersionConflictError('a', 0, 1));
      await expect(s.store.append('a', 5, [ev(2)], ctx)).rejects.toThrow(/at version 1, expected 5/);
      expect(await s.store.readAll(0, 100)).toHaveLength(1);
    });

    it('chains hashes from 64 zeros, each over the envelope without its hash', async () => {
      await s.store.append('a', 0, [ev(1), ev(2)], ctx);
      await s.store.append('b', 0, [ev(3)], { ...ctx, reason: null });
      const all = await s.store.readAll(0, 100);
      let prev = GENESIS_HASH;
      for (const event of all) {
        expect(event.prevHash).toBe(prev);
        const { hash, ...unhashed } = event;
        expect(hash).toBe(eventHash(unhashed));
        expect(hash).toMatch(/^[0-9a-f]{64}$/);
        prev = hash;
      }
      expect(await s.store.head()).toMatchObject({ seq: 3, hash: prev });
    });

    it('stores actor, reason, time and idempotency key on every event', async () => {
      await s.store.append('a', 0, [ev(1)], {
        actor: 'bob',
        reason: 'why',
        idempotency: { scope: 'bob', key: 'k-1', fingerprint: 'f', render: () => ({ status: 201, body: { ok: true } }) },
      });
      const [event] = await s.store.readAll(0, 1);
      expect(event).toMatchObject({ actor: 'bob', reason: 'why', idempotencyKey: 'k-1', at: s.clock.now().toISOString(), schemaVersion: 1, type: 'Thing' });
    });

    it('never lets event time run backwards along the log', async () => {
      await s.store.append('a', 0, [ev(1)], ctx);
      s.clock.advance(-60_000);
      await s.store.append('a', 1, [ev(2)], ctx);
      const [first, second] = await s.store.readAll(0, 2);
      expect(second!.at >= first!.at).toBe(true);
    });

    it('replays an idempotent append and refuses the same key for another request', async () => {
      const claim = (fingerprint: string) => ({ scope: 'alice', key: 'key-1', fingerprint, render: (stored: StoredEvent[]) => ({ status: 200, body: { seq: stored[0]?.seq ?? null } }) });
      const first = await s.store.append('a', 0, [ev(1)], { ...ctx, idempotency: claim('same') });
      expect(first).toMatchObject({ kind: 'appended', response: { status: 200, body: { seq: 1 } } });
      const again = await s.store.append('a', 0, [ev(1)], { ...ctx, idempotency: claim('same') });
      expect(again).toEqual({ kind: 'replayed', response: { status: 200, body: { seq: 1 } } });
      await expect(s.store.append('a', 1, [ev(9)], { ...ctx, idempotency: claim('other') })).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
      expect(await s.store.findIdempotentResponse('alice', 'key-1')).toEqual({ fingerprint: 'same', response: { status: 200, body: { seq: 1 } } });
      expect(await s.store.findIdempotentResponse('bob', 'key-1')).toBeUndefined();
      expect(await s.store.readAll(0, 100)).toHaveLength(1);
    });

    it('appends nothing for zero events but still checks the version and records the claim', async () => {
      const result = await s.store.append('a', 0, [], { ...ctx, idempotency: { scope: 'alice', key: 'noop', fingerprint: 'f', render: () => ({ status: 200, body: 'unchanged' }) } });
      expect(result).toEqual({ kind: 'appended', events: [], response: { status: 200, body: 'unchanged' } });
      expect(await s.store.head()).toEqual({ seq: 0, hash: GENESIS_HASH, at: null });
      await expect(s.store.append('a', 3, [], ctx)).rejects.toBeInstanceOf(VersionConflictError);
    });

    it('keeps seq gapless under many concurrent appends to different streams', async () => {
      await Promise.all(Array.from({ length: 50 }, (_, i) => s.store.append(`s${i % 7}-${i}`, 0, [ev(i)], ctx)));
      const all = await s.store.readAll(0, 1000);
      expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    });

    it('lets exactly one of many concurrent appends at the same version win', async () => {
      await s.store.append('a', 0, [ev(0)], ctx);
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => s.store.append('a', 1, [ev(i)], ctx)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof VersionConflictError)).toHaveLength(9);
    });

    it('runs registered projections inside the append, and writes nothing if one fails', async () => {
      const seen: number[] = [];
      let fail = false;
      const projection: TransactionalProjection = {
        name: 'probe',
        apply: async (_db, events) => {
          if (fail) throw new Error('projection broke');
          seen.push(...events.map((e) => e.seq));
        },
      };
      s.registry.register(projection);
      await s.store.append('a', 0, [ev(1)], ctx);
      fail = true;
      await expect(s.store.append('a', 1, [ev(2)], ctx)).rejects.toThrow('projection broke');
      expect(seen).toEqual([1]);
      expect(await s.store.readAll(0, 10)).toHaveLength(1);
      const checkpoint = await s.db.selectFrom('projection_checkpoints').select('seq').where('name', '=', 'probe').executeTakeFirst();
      expect(checkpoint?.seq).toBe(1);
    });

    it('iterates matching events in seq order, each filter narrowing', async () => {
      await s.store.append('a', 0, [ev(1)], ctx);
      s.clock.advance(60_000);
      await s.store.append('b', 0, [{ type: 'Other', schemaVersion: 1, data: {} }], { actor: 'bob', reason: null });
      s.clock.advance(60_000);
      await s.store.append('a', 1, [ev(2)], ctx);
      const seqs = async (filter: Parameters<EventStore['iterate']>[0]) => {
        const out: number[] = [];
        for await (const event of s.store.iterate(filter)) out.push(event.seq);
        return out;
      };
      const [first, second] = await s.store.readAll(0, 2);
      expect(await seqs({})).toEqual([1, 2, 3]);
      expect(await seqs({ streamId: 'a' })).toEqual([1, 3]);
      expect(await seqs({ actor: 'bob' })).toEqual([2]);
      expect(await seqs({ types: ['Other', 'Nope'] })).toEqual([2]);
      expect(await seqs({ from: second!.at })).toEqual([2, 3]);
      expect(await seqs({ to: first!.at })).toEqual([1]);
      expect(await seqs({ afterSeq: 1, untilSeq: 2 })).toEqual([2]);
      expect(await seqs({ streamId: 'a', types: ['Other'] })).toEqual([]);
    });

    it('iterates a consistent snapshot: events appended during the read are not mixed in', async () => {
      for (let i = 0; i < 3; i++) await s.store.append('a', i, [ev(i)], ctx);
      const seen: StoredEvent[] = [];
      for await (const event of s.store.iterate({})) {
        if (seen.length === 0) await s.store.append('a', 3, [ev(3)], ctx);
        seen.push(event);
      }
      expect(seen.map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(seen[1]).toEqual((await s.store.readAll(1, 1))[0]);
    });

    it('pages through the log with readAll(afterSeq, limit)', async () => {
      for (let i = 0; i < 5; i++) await s.store.append('a', i, [ev(i)], ctx);
      expect((await s.store.readAll(2, 2)).map((e) => e.seq)).toEqual([3, 4]);
      expect(await s.store.readAll(5, 10)).toEqual([]);
    });
  });
}
