import { eventHash } from '../../src/event-store/event-hash.js';
import {
  GENESIS_HASH,
  IdempotencyKeyReusedError,
  VersionConflictError,
  type EventStore,
  type ProjectedEvent,
  type StoredEvent,
  type TransactionalProjection,
} from '../../src/event-store/event-store.js';
import { verifyChain } from '../../src/integrity/chain-verifier.js';
import { multiStreamAppendContract } from './event-store-append-all.contract.js';
import { checkpointOf, ctx, ev, oneTo, probe, type EventStoreUnderTest } from './event-store-contract.kit.js';

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
        idempotency: {
          scope: 'bob',
          key: 'k-1',
          fingerprint: 'f',
          render: () => ({ status: 201, body: { ok: true } }),
        },
      });
      const [event] = await s.store.readAll(0, 1);
      expect(event).toMatchObject({
        actor: 'bob',
        reason: 'why',
        idempotencyKey: 'k-1',
        at: s.clock.now().toISOString(),
        schemaVersion: 1,
        type: 'Thing',
      });
    });

    it('records actorTokenId when the append names one, on every read, and NULL when it names none', async () => {
      const appended = await s.store.append('a', 0, [ev(1)], { ...ctx, actorTokenId: 'tok_abc' });
      await s.store.append('b', 0, [ev(2)], ctx);
      const tokenIds = (events: readonly { actorTokenId?: string }[]) => events.map((e) => e.actorTokenId);
      expect(appended.kind === 'appended' && tokenIds(appended.events)).toEqual(['tok_abc']);
      expect(tokenIds(await s.store.readAll(0, 10))).toEqual(['tok_abc', undefined]);
      expect(tokenIds(await s.store.readStream('a'))).toEqual(['tok_abc']);
      const iterated: StoredEvent[] = [];
      for await (const event of s.store.iterate({})) iterated.push(event);
      expect(tokenIds(iterated)).toEqual(['tok_abc', undefined]);
      const projected: ProjectedEvent[] = [];
      for await (const batch of s.store.readForProjections(0, 10)) projected.push(...batch);
      expect(tokenIds(projected)).toEqual(['tok_abc', undefined]);
      const rows = await s.db.selectFrom('events').select('actor_token_id').orderBy('seq').execute();
      expect(rows).toEqual([{ actor_token_id: 'tok_abc' }, { actor_token_id: null }]);
      expect(await verifyChain(iterated, { checkpoints: [], complete: true })).toMatchObject({ ok: true, events: 2 });
    });

    it('never lets event time run backwards along the log', async () => {
      await s.store.append('a', 0, [ev(1)], ctx);
      s.clock.advance(-60_000);
      await s.store.append('a', 1, [ev(2)], ctx);
      const [first, second] = await s.store.readAll(0, 2);
      expect(second!.at >= first!.at).toBe(true);
    });

    it('replays an idempotent append and refuses the same key for another request', async () => {
      const claim = (fingerprint: string) => ({
        scope: 'alice',
        key: 'key-1',
        fingerprint,
        render: (stored: StoredEvent[]) => ({ status: 200, body: { seq: stored[0]?.seq ?? null } }),
      });
      const first = await s.store.append('a', 0, [ev(1)], { ...ctx, idempotency: claim('same') });
      expect(first).toMatchObject({ kind: 'appended', response: { status: 200, body: { seq: 1 } } });
      const again = await s.store.append('a', 0, [ev(1)], { ...ctx, idempotency: claim('same') });
      expect(again).toEqual({ kind: 'replayed', response: { status: 200, body: { seq: 1 } } });
      await expect(s.store.append('a', 1, [ev(9)], { ...ctx, idempotency: claim('other') })).rejects.toBeInstanceOf(
        IdempotencyKeyReusedError,
      );
      expect(await s.store.findIdempotentResponse('alice', 'key-1')).toEqual({
        fingerprint: 'same',
        response: { status: 200, body: { seq: 1 } },
      });
      expect(await s.store.findIdempotentResponse('bob', 'key-1')).toBeUndefined();
      expect(await s.store.readAll(0, 100)).toHaveLength(1);
    });

    it('appends nothing for zero events but still checks the version and records the claim', async () => {
      const result = await s.store.append('a', 0, [], {
        ...ctx,
        idempotency: {
          scope: 'alice',
          key: 'noop',
          fingerprint: 'f',
          render: () => ({ status: 200, body: 'unchanged' }),
        },
      });
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
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) => s.store.append('a', 1, [ev(i)], ctx)),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof VersionConflictError)).toHaveLength(
        9,
      );
    });

    it('keeps one gapless seq and one verifiable chain under concurrent appends to shared streams', async () => {
      // 50 writers over 10 streams, each deciding against the version it just read: some lose the race.
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, async (_, i) => {
          const streamId = `s${i % 10}`;
          const version = (await s.store.readStream(streamId)).length;
          return s.store.append(streamId, version, i % 3 === 0 ? [ev(i), ev(i + 100)] : [ev(i)], ctx);
        }),
      );
      const committed: StoredEvent[][] = [];
      for (const result of results) {
        if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(VersionConflictError);
        else if (result.value.kind === 'appended') committed.push(result.value.events);
        else throw new Error('an append without an idempotency key was replayed');
      }
      // The first writer to each stream cannot lose.
      expect(committed.length).toBeGreaterThanOrEqual(10);
      const all = await s.store.readAll(0, 1000);
      expect(all.map((e) => e.seq)).toEqual(oneTo(all.length));
      // The log holds exactly what was acknowledged, and each append's events got consecutive seqs.
      expect(all).toEqual(committed.flat().sort((a, b) => a.seq - b.seq));
      for (const events of committed)
        expect(events.map((e) => e.seq)).toEqual(oneTo(events.length).map((n) => events[0]!.seq + n - 1));
      for (let stream = 0; stream < 10; stream++) {
        const versions = all.filter((e) => e.streamId === `s${stream}`).map((e) => e.version);
        expect(versions).toEqual(oneTo(versions.length));
      }
      expect(all.every((e, i) => i === 0 || e.at >= all[i - 1]!.at)).toBe(true);
      expect(await verifyChain(s.store.iterate({}), { checkpoints: [], complete: true })).toEqual({
        ok: true,
        events: all.length,
        headSeq: all.length,
        headHash: all[all.length - 1]!.hash,
        checkpoints: 0,
      });
    });

    it('gives every concurrent retry of one idempotency key the first response, and appends once', async () => {
      const claim = {
        scope: 'alice',
        key: 'retry-1',
        fingerprint: 'f',
        render: (stored: StoredEvent[]) => ({ status: 201, body: { seqs: stored.map((e) => e.seq) } }),
      };
      const results = await Promise.all(
        Array.from({ length: 10 }, () => s.store.append('a', 0, [ev(1)], { ...ctx, idempotency: claim })),
      );
      expect(results.filter((r) => r.kind === 'appended')).toHaveLength(1);
      expect(results.filter((r) => r.kind === 'replayed')).toHaveLength(9);
      for (const result of results) expect(result.response).toEqual({ status: 201, body: { seqs: [1] } });
      expect(await s.store.readAll(0, 100)).toHaveLength(1);
    });

    it('appends nothing for zero events on an existing stream: no seq, no projection run, the head where it was', async () => {
      const seen: number[] = [];
      s.registry.register(probe('probe', seen));
      await s.store.append('a', 0, [ev(1)], ctx);
      const head = await s.store.head();
      s.clock.advance(60_000);
      const claim = {
        scope: 'alice',
        key: 'noop-2',
        fingerprint: 'f',
        render: (stored: StoredEvent[]) => ({ status: 200, body: { events: stored.length } }),
      };
      expect(await s.store.append('a', 1, [], { ...ctx, idempotency: claim })).toEqual({
        kind: 'appended',
        events: [],
        response: { status: 200, body: { events: 0 } },
      });
      expect(await s.store.append('a', 1, [], { ...ctx, idempotency: claim })).toEqual({
        kind: 'replayed',
        response: { status: 200, body: { events: 0 } },
      });
      expect(await s.store.head()).toEqual(head);
      expect(seen).toEqual([1]);
      expect(await checkpointOf(s.db, 'probe')).toBe(1);
    });

    it('reads an empty log as empty', async () => {
      expect(await s.store.head()).toEqual({ seq: 0, hash: GENESIS_HASH, at: null });
      expect(await s.store.readAll(0, 10)).toEqual([]);
      const iterated: StoredEvent[] = [];
      for await (const event of s.store.iterate({})) iterated.push(event);
      expect(iterated).toEqual([]);
      expect(await s.store.findIdempotentResponse('alice', 'never')).toBeUndefined();
      await expect(s.store.applyProjections([])).resolves.toBeUndefined();
    });

    it('applies catch-up work to each projection in one transaction that moves their checkpoints', async () => {
      await s.store.append('a', 0, [ev(1), ev(2), ev(3)], ctx);
      const events = await s.store.readAll(0, 10);
      const one: number[] = [];
      const two: number[] = [];
      await s.store.applyProjections([
        { projection: probe('one', one), events: events.slice(1) },
        { projection: probe('two', two), events },
        { projection: probe('idle'), events: [] },
      ]);
      expect([one, two]).toEqual([
        [2, 3],
        [1, 2, 3],
      ]);
      const checkpoints = async () =>
        Object.fromEntries(
          (await s.db.selectFrom('projection_checkpoints').select(['name', 'seq']).execute()).map((c) => [
            c.name,
            c.seq,
          ]),
        );
      expect(await checkpoints()).toEqual({ one: 3, two: 3 });
      await expect(
        s.store.applyProjections([
          { projection: probe('three'), events },
          { projection: probe('broken', [], true), events },
        ]),
      ).rejects.toThrow('broken broke');
      expect(await checkpoints()).toEqual({ one: 3, two: 3 });
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
      expect(await checkpointOf(s.db, 'probe')).toBe(1);
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

    it('runs work excluding appends: it reads every committed event, and an append submitted meanwhile commits after it', async () => {
      await s.store.append('a', 0, [ev(1), ev(2)], ctx);
      let appended: Promise<unknown> | undefined;
      const seen = await s.store.excludingAppends(async (log) => {
        appended = s.store.append('b', 0, [ev(3)], ctx);
        await new Promise((resolve) => setTimeout(resolve, 100));
        await log.db.insertInto('projection_checkpoints').values({ name: 'excluded', seq: 2 }).execute();
        return (await log.readAll(0, 10)).map((e) => e.seq);
      });
      expect(seen).toEqual([1, 2]);
      await appended;
      expect((await s.store.readAll(0, 10)).map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(await checkpointOf(s.db, 'excluded')).toBe(2);
    });

    it('reads the log for projections in batches up to the head as the read starts, without hashes or idempotency keys', async () => {
      for (let i = 0; i < 5; i++) await s.store.append('a', i, [ev(i)], ctx);
      const batches: ProjectedEvent[][] = [];
      for await (const batch of s.store.readForProjections(1, 2)) {
        if (batches.length === 0) await s.store.append('a', 5, [ev(5)], ctx);
        batches.push(batch);
      }
      expect(batches.map((batch) => batch.map((e) => e.seq))).toEqual([
        [2, 3],
        [4, 5],
      ]);
      const stored = (await s.store.readAll(1, 4)).map(
        ({ prevHash: _prevHash, hash: _hash, idempotencyKey: _idempotencyKey, ...projected }) => projected,
      );
      expect(batches.flat()).toStrictEqual(stored);
      for await (const batch of s.store.readForProjections(6, 2)) batches.push(batch);
      expect(batches).toHaveLength(2);
    });

    it('pages through the log with readAll(afterSeq, limit)', async () => {
      for (let i = 0; i < 5; i++) await s.store.append('a', i, [ev(i)], ctx);
      expect((await s.store.readAll(2, 2)).map((e) => e.seq)).toEqual([3, 4]);
      expect(await s.store.readAll(5, 10)).toEqual([]);
    });
  });
  multiStreamAppendContract(name, open);
}
