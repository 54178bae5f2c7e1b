import { PendingSightings } from './pending-sightings.js';

const seen = { kind: 'unleash' as const, appName: 'svc', instanceId: 'i-1', environment: 'production' };

describe('PendingSightings', () => {
  it('keeps one entry per kind, environment, app and instance, with the latest instant and applied seq', () => {
    const pending = new PendingSightings(10);
    pending.note({ ...seen, appliedSeq: 3, etag: '"a"' }, 1000);
    pending.note({ ...seen, appliedSeq: 5, etag: '"b"' }, 2000);
    pending.note({ ...seen, environment: 'staging', appliedSeq: 1 }, 1500);
    expect(pending.take()).toEqual([
      { ...seen, lastSeen: 2000, applied: { seq: 5, etag: '"b"', at: 2000 } },
      { ...seen, environment: 'staging', lastSeen: 1500, applied: { seq: 1, etag: null, at: 1500 } },
    ]);
    expect(pending.size).toBe(0);
  });

  it('keeps what a client applied when a later sighting does not say (register, metrics)', () => {
    const pending = new PendingSightings(10);
    pending.note({ ...seen, appliedSeq: 7, etag: '"e"' }, 1000);
    pending.note(seen, 3000);
    expect(pending.take()).toEqual([{ ...seen, lastSeen: 3000, applied: { seq: 7, etag: '"e"', at: 1000 } }]);
  });

  it('tracks nothing of a client that names neither app nor instance, and stores a missing one as empty', () => {
    const pending = new PendingSightings(10);
    pending.note({ kind: 'ofrep', environment: 'production', appliedSeq: 1 }, 1000);
    pending.note({ kind: 'ofrep', environment: 'production', appName: 'web' }, 1000);
    expect(pending.take()).toEqual([
      { kind: 'ofrep', environment: 'production', appName: 'web', instanceId: '', lastSeen: 1000 },
    ]);
  });

  it('drops the stalest once full, however many instance ids arrive', () => {
    const pending = new PendingSightings(3);
    for (let i = 0; i < 100; i++) pending.note({ ...seen, instanceId: `i-${i}` }, i);
    pending.note({ ...seen, instanceId: 'i-97' }, 200);
    pending.note({ ...seen, instanceId: 'new' }, 201);
    expect(pending.take().map((s) => s.instanceId)).toEqual(['i-99', 'i-97', 'new']);
  });

  it('merges a batch given back under newer sightings, the later instants winning', () => {
    const pending = new PendingSightings(10);
    pending.note({ ...seen, appliedSeq: 1 }, 1000);
    const batch = pending.take();
    pending.note({ ...seen, appliedSeq: 2 }, 2000);
    pending.giveBack(batch);
    expect(pending.take()).toEqual([{ ...seen, lastSeen: 2000, applied: { seq: 2, etag: null, at: 2000 } }]);
  });
});
