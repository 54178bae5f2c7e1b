import { FailureThrottle, type FailureThrottleLimits } from './failure-throttle.js';

describe('FailureThrottle', () => {
  let now = 0;
  const throttle = (limits: Partial<FailureThrottleLimits> = {}) =>
    new FailureThrottle({ burst: 3, refillPerMinute: 6, maxAddresses: 100, ...limits }, () => now);
  beforeEach(() => (now = Date.UTC(2026, 10, 25, 12)));

  it('lets a burst of failures through, then refuses with the seconds until one more is earned', () => {
    const t = throttle();
    expect([t.fail('10.0.0.1'), t.fail('10.0.0.1'), t.fail('10.0.0.1')]).toEqual([undefined, undefined, undefined]);
    // 6 a minute: one every 10 s.
    expect(t.fail('10.0.0.1')).toBe(10);
    now += 4_000;
    expect(t.fail('10.0.0.1')).toBe(6);
    now += 6_000;
    expect(t.fail('10.0.0.1')).toBeUndefined();
    expect(t.fail('10.0.0.1')).toBe(10);
  });

  it('rounds a fractional wait up to whole seconds', () => {
    const t = throttle({ burst: 1, refillPerMinute: 7 });
    t.fail('a');
    expect(t.fail('a')).toBe(9); // 60/7 = 8.57 s
    now += 8_500;
    expect(t.fail('a')).toBe(1); // 70 ms short
  });

  it('counts each address on its own', () => {
    const t = throttle({ burst: 1 });
    expect(t.fail('a')).toBeUndefined();
    expect(t.fail('a')).toBeGreaterThan(0);
    expect(t.fail('b')).toBeUndefined();
  });

  it('earns back no more than one burst however long an address stays quiet', () => {
    const t = throttle();
    t.fail('a');
    now += 24 * 3_600_000;
    for (let i = 0; i < 3; i++) expect(t.fail('a')).toBeUndefined();
    expect(t.fail('a')).toBe(10);
  });

  it('earns nothing from a clock that steps back', () => {
    const t = throttle({ burst: 1 });
    t.fail('a');
    now -= 60_000;
    expect(t.fail('a')).toBe(10);
    now += 60_000 + 9_000;
    expect(t.fail('a')).toBe(1);
  });

  it('tracks at most maxAddresses, forgetting the one that failed longest ago', () => {
    const t = throttle({ burst: 1, maxAddresses: 2 });
    t.fail('a');
    t.fail('b');
    expect(t.fail('a')).toBe(10); // a is now the most recent
    t.fail('c'); // b goes
    expect(t.size).toBe(2);
    expect(t.fail('a')).toBe(10); // still remembered, still refused
    expect(t.fail('b')).toBeUndefined(); // forgotten: a fresh burst (and c goes)
    for (let i = 0; i < 10_000; i++) t.fail(`rotating-${i}`);
    expect(t.size).toBe(2);
  });
});
