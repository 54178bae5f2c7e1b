import { JitteredBackoff } from './backoff.js';

describe('JitteredBackoff', () => {
  it('doubles the ceiling per attempt up to the maximum, and starts over after reset', () => {
    const ceilings = new JitteredBackoff(100, 1000, () => 1);
    expect([1, 2, 3, 4, 5, 6].map(() => ceilings.next())).toEqual([100, 200, 400, 800, 1000, 1000]);
    ceilings.reset();
    expect(ceilings.next()).toBe(100);
  });

  it('picks a delay between zero and the ceiling (full jitter)', () => {
    expect(new JitteredBackoff(100, 1000, () => 0).next()).toBe(0);
    expect(new JitteredBackoff(100, 1000, () => 0.5).next()).toBe(50);
  });
});
