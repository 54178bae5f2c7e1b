import { Logger } from '@nestjs/common';
import { CommittedEventFeed } from './committed-event-feed.js';
import type { EventStore, StoredEvent } from './event-store.js';

const event = (seq: number): StoredEvent => ({
  seq,
  streamId: 's',
  version: seq,
  type: 'T',
  schemaVersion: 1,
  data: {},
  actor: 'a',
  reason: null,
  at: '',
  idempotencyKey: null,
  prevHash: '',
  hash: `${seq}`,
});

/** Only readAll is used by the feed: the committed log is the source of truth for gaps. */
function logOf(committed: StoredEvent[]): EventStore {
  return {
    readAll: async (after: number, limit: number) => committed.filter((e) => e.seq > after).slice(0, limit),
  } as unknown as EventStore;
}

describe('CommittedEventFeed', () => {
  it('delivers committed events to every listener in seq order', async () => {
    const feed = new CommittedEventFeed(logOf([]));
    const a: number[] = [];
    const b: number[] = [];
    feed.subscribe((events) => a.push(...events.map((e) => e.seq)));
    feed.subscribe((events) => b.push(...events.map((e) => e.seq)));
    await feed.deliver([event(1), event(2)]);
    await feed.deliver([event(3)]);
    expect(a).toEqual([1, 2, 3]);
    expect(b).toEqual([1, 2, 3]);
    expect(feed.headSeq).toBe(3);
  });

  it('fills a gap from the committed log instead of delivering out of order', async () => {
    const committed = [event(1), event(2), event(3)];
    const feed = new CommittedEventFeed(logOf(committed));
    const seen: number[] = [];
    feed.subscribe((events) => seen.push(...events.map((e) => e.seq)));
    await feed.deliver([event(3)]);
    await feed.deliver([event(1), event(2)]);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('never delivers an event twice', async () => {
    const feed = new CommittedEventFeed(logOf([]));
    const seen: number[] = [];
    feed.subscribe((events) => seen.push(...events.map((e) => e.seq)));
    await feed.deliver([event(1)]);
    await feed.deliver([event(1)]);
    expect(seen).toEqual([1]);
  });

  it('starts after what listeners already loaded', async () => {
    const feed = new CommittedEventFeed(logOf([event(1), event(2), event(3)]));
    const seen: number[] = [];
    feed.subscribe((events) => seen.push(...events.map((e) => e.seq)));
    feed.startAt(2);
    await feed.catchUp();
    expect(seen).toEqual([3]);
  });

  it('keeps delivering to the others when one listener throws', async () => {
    Logger.overrideLogger(false);
    const feed = new CommittedEventFeed(logOf([]));
    const seen: number[] = [];
    feed.subscribe(() => {
      throw new Error('broken listener');
    });
    feed.subscribe((events) => seen.push(...events.map((e) => e.seq)));
    await feed.deliver([event(1)]);
    expect(seen).toEqual([1]);
  });

  it('goes on after a log read failed: the failure reaches only its caller, and the next catch-up reads on', async () => {
    const committed = [event(1), event(2)];
    let failing = true;
    const store = {
      readAll: async (after: number, limit: number) => {
        if (failing) throw new Error('database away');
        return committed.filter((e) => e.seq > after).slice(0, limit);
      },
    } as unknown as EventStore;
    const feed = new CommittedEventFeed(store);
    const seen: number[] = [];
    feed.subscribe((events) => seen.push(...events.map((e) => e.seq)));
    feed.startAt(0);
    await expect(feed.catchUp()).rejects.toThrow('database away');
    failing = false;
    await feed.catchUp();
    await feed.deliver([event(3)]);
    expect(seen).toEqual([1, 2, 3]);
  });
});
