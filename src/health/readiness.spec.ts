import { readiness, READY_MAX_LAG } from './readiness.js';

const since = new Date('2026-12-01T00:00:00Z');

describe('readiness', () => {
  it('given a store that answers, took the last append and a projection close behind, it is ready', () => {
    expect(readiness({ up: true }, 10, 10)).toEqual({ ready: true, headSeq: 10, appliedSeq: 10, lag: 0 });
    expect(readiness({ up: true }, 10 + READY_MAX_LAG, 10).ready).toBe(true);
  });

  it('given a projection too far behind, it is catching up', () => {
    expect(readiness({ up: true }, 11 + READY_MAX_LAG, 10)).toMatchObject({
      ready: false,
      reason: `catching up: lag ${READY_MAX_LAG + 1}`,
    });
  });

  it('given a failed append or an unreadable head, it says which', () => {
    expect(readiness({ up: false, failure: 'full', since }, 10, 10)).toEqual({
      ready: false,
      reason: 'storage full',
      headSeq: 10,
      appliedSeq: 10,
      lag: 0,
    });
    expect(readiness({ up: false, failure: 'unavailable', since }, 10, 10)).toMatchObject({
      reason: 'store unreachable',
    });
    expect(readiness({ up: true }, 'unavailable', 10)).toEqual({
      ready: false,
      reason: 'store unreachable',
      headSeq: null,
      appliedSeq: 10,
      lag: null,
    });
  });
});
