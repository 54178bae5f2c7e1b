import {
  IdempotencyKeyReusedError,
  VersionConflictError,
  type AppendResult,
  type StoredEvent,
  type StreamAppend,
} from '../../src/event-store/event-store.js';
import { verifyChain } from '../../src/integrity/chain-verifier.js';
import { checkpointOf, ctx, ev, probe, type EventStoreUnderTest } from './event-store-contract.kit.js';

/** The events an append stored; failing the test when it was a replay. */
function appended(result: AppendResult): StoredEvent[] {
  if (result.kind !== 'appended') throw new Error(`expected an append, got ${result.kind}`);
  return result.events;
}

/** One stream's share of a unit: the events numbered `ns`, if the stream is at `expectedVersion`. */
const onto = (streamId: string, expectedVersion: number, ...ns: number[]): StreamAppend => ({
  streamId,
  expectedVersion,
  events: ns.map(ev),
});

const shape = (events: readonly StoredEvent[]) => events.map((e) => [e.seq, e.streamId, e.version]);

/**
 * `EventStore.appendAll`: several streams as one unit, all of it or none (a change request's apply).
 * Part of the contract every implementation passes; `eventStoreContract` runs it.
 */
export function multiStreamAppendContract(name: string, open: () => Promise<EventStoreUnderTest>): void {
  describe(`${name} event store contract: one append over several streams`, () => {
    let s: EventStoreUnderTest;
    beforeEach(async () => {
      s = await open();
    });
    afterEach(() => s.close());

    const verified = async () => verifyChain(s.store.iterate({}), { checkpoints: [], complete: true });

    it('gives the streams consecutive seqs in the order given, each its own versions, and one context', async () => {
      await s.store.append('a', 0, [ev(1)], ctx);
      s.clock.advance(60_000);
      const context = { actor: 'bob', actorTokenId: 'tok_bob', reason: 'apply CR 7' };
      const events = appended(
        await s.store.appendAll(
          [
            onto('a', 1, 2, 3),
            // Checked like the others, though it adds nothing.
            onto('quiet', 0),
            onto('b', 0, 4),
            onto('change-request:7', 0, 5),
          ],
          context,
        ),
      );
      expect(shape(events)).toEqual([
        [2, 'a', 2],
        [3, 'a', 3],
        [4, 'b', 1],
        [5, 'change-request:7', 1],
      ]);
      for (const event of events)
        expect(event).toMatchObject({ ...context, at: s.clock.now().toISOString(), idempotencyKey: null });
      const all = await s.store.readAll(0, 10);
      expect(all.slice(1)).toEqual(events);
      expect(await s.store.head()).toEqual({ seq: 5, hash: events[3]!.hash, at: events[3]!.at });
      expect(await verified()).toMatchObject({ ok: true, events: 5 });
    });

    it('writes nothing when the last stream moved: the head, projections and claims where they were', async () => {
      const seen: number[] = [];
      s.registry.register(probe('probe', seen));
      await s.store.append('a', 0, [ev(1)], ctx);
      await s.store.append('c', 0, [ev(2)], ctx);
      const head = await s.store.head();
      const claim = { scope: 'alice', key: 'k', fingerprint: 'f', render: () => ({ status: 200, body: null }) };
      const unit = (cVersion: number): StreamAppend[] => [onto('a', 1, 3), onto('b', 0, 4), onto('c', cVersion, 5)];
      await expect(s.store.appendAll(unit(0), { ...ctx, idempotency: claim })).rejects.toEqual(
        new VersionConflictError('c', 0, 1),
      );
      expect(await s.store.head()).toEqual(head);
      expect(shape(await s.store.readAll(0, 10))).toEqual([
        [1, 'a', 1],
        [2, 'c', 1],
      ]);
      expect(seen).toEqual([1, 2]);
      expect(await s.store.findIdempotentResponse('alice', 'k')).toBeUndefined();
      expect(await verified()).toMatchObject({ ok: true, events: 2 });
      // Of several streams that moved, the first in the order given is named.
      await expect(s.store.appendAll([onto('b', 0, 6), onto('a', 0, 7), onto('c', 0, 8)], ctx)).rejects.toEqual(
        new VersionConflictError('a', 0, 1),
      );
      // A stream that adds nothing still refuses the unit when it moved.
      await expect(s.store.appendAll([onto('b', 0, 9), onto('c', 0)], ctx)).rejects.toEqual(
        new VersionConflictError('c', 0, 1),
      );
      expect(await s.store.head()).toEqual(head);
      // Re-based on the versions as they are, the same unit commits right after.
      expect(shape(appended(await s.store.appendAll(unit(1), { ...ctx, idempotency: claim })))).toEqual([
        [3, 'a', 2],
        [4, 'b', 1],
        [5, 'c', 2],
      ]);
      expect(await verified()).toMatchObject({ ok: true, events: 5 });
    });

    it("runs each projection once over every stream's events, in the append, and writes none if it fails", async () => {
      const calls: number[][] = [];
      s.registry.register({
        name: 'calls',
        apply: async (_db, events) => {
          if (events.some((e) => e.streamId === 'broken')) throw new Error('projection broke');
          calls.push(events.map((e) => e.seq));
        },
      });
      await s.store.appendAll([onto('a', 0, 1, 2), onto('b', 0, 3)], ctx);
      expect(calls).toEqual([[1, 2, 3]]);
      await expect(s.store.appendAll([onto('a', 2, 4), onto('broken', 0, 5)], ctx)).rejects.toThrow('projection broke');
      expect(shape(await s.store.readAll(0, 10))).toEqual([
        [1, 'a', 1],
        [2, 'a', 2],
        [3, 'b', 1],
      ]);
      expect(await checkpointOf(s.db, 'calls')).toBe(3);
    });

    it('replays an idempotent multi-stream append with the response rendered from all of its events', async () => {
      // What a scheduled apply claims: a key derived from the request, the same on every instance.
      const claim = (fingerprint: string) => ({
        scope: 'scheduler',
        key: 'apply:change-request:7',
        fingerprint,
        render: (stored: StoredEvent[]) => ({ status: 200, body: { seqs: stored.map((e) => e.seq) } }),
      });
      const unit: StreamAppend[] = [onto('a', 0, 1), onto('change-request:7', 0, 2)];
      const first = await s.store.appendAll(unit, { ...ctx, idempotency: claim('f') });
      expect(first).toMatchObject({ kind: 'appended', response: { status: 200, body: { seqs: [1, 2] } } });
      expect(appended(first).map((e) => e.idempotencyKey)).toEqual([
        'apply:change-request:7',
        'apply:change-request:7',
      ]);
      expect(await s.store.appendAll(unit, { ...ctx, idempotency: claim('f') })).toEqual({
        kind: 'replayed',
        response: { status: 200, body: { seqs: [1, 2] } },
      });
      await expect(
        s.store.appendAll([onto('a', 1, 3)], {
          ...ctx,
          idempotency: claim('other'),
        }),
      ).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
      // Without the claim the same unit loses on the versions, so it cannot apply twice either way.
      await expect(s.store.appendAll(unit, ctx)).rejects.toEqual(new VersionConflictError('a', 0, 1));
      expect(await s.store.readAll(0, 10)).toHaveLength(2);
    });

    it('lets exactly one of concurrent multi-stream appends over a shared stream win, and none in part', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) =>
          s.store.appendAll([onto(`own-${i}`, 0, i), onto('shared', 0, 100 + i)], ctx),
        ),
      );
      const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
      expect(winners).toHaveLength(1);
      for (const result of results)
        if (result.status === 'rejected') expect(result.reason).toEqual(new VersionConflictError('shared', 0, 1));
      expect(shape(await s.store.readAll(0, 10))).toEqual([
        [1, `own-${winners[0]}`, 1],
        [2, 'shared', 1],
      ]);
    });

    it('refuses, as a programming error writing nothing, an append naming no stream or one stream twice', async () => {
      await expect(s.store.appendAll([], ctx)).rejects.toThrow('an append needs at least one stream');
      await expect(s.store.appendAll([onto('a', 0, 1), onto('b', 0, 2), onto('a', 1, 3)], ctx)).rejects.toThrow(
        "stream 'a' appears twice in one append",
      );
      expect(await s.store.readAll(0, 10)).toEqual([]);
    });
  });
}
