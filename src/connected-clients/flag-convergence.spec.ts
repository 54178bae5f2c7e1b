import type { ConnectedClient } from './client-sighting.js';
import { flagConvergence } from './flag-convergence.js';

const client = (instanceId: string, appliedSeq: number | null): ConnectedClient => ({
  kind: 'unleash',
  appName: 'svc',
  instanceId,
  environment: 'production',
  lastSeen: '2026-12-01T10:00:00.000Z',
  appliedSeq,
  etag: null,
});

describe('flagConvergence', () => {
  it('counts a client at the change or past it as applied, one without a seq as unknown, the rest as behind', () => {
    const result = flagConvergence(10, [
      client('at', 10),
      client('past', 12),
      client('no-seq', null),
      client('behind', 9),
    ]);
    expect(result).toMatchObject({ clients: 4, applied: 2, unknown: 1 });
    expect(result.notApplied.map((c) => c.instanceId)).toEqual(['no-seq', 'behind']);
  });

  it('lists the unknown clients first, then the furthest behind', () => {
    const result = flagConvergence(10, [client('b', 8), client('a', 3), client('u', null)]);
    expect(result.notApplied.map((c) => [c.instanceId, c.appliedSeq])).toEqual([
      ['u', null],
      ['a', 3],
      ['b', 8],
    ]);
    expect(result.notApplied[0]).toEqual({
      kind: 'unleash',
      appName: 'svc',
      instanceId: 'u',
      appliedSeq: null,
      lastSeen: '2026-12-01T10:00:00.000Z',
    });
  });

  it('answers zero of zero when nobody follows the environment', () => {
    expect(flagConvergence(1, [])).toEqual({ clients: 0, applied: 0, unknown: 0, notApplied: [] });
  });
});
