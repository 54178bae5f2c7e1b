import { InMemoryFlags } from './in-memory-flags.js';

describe('InMemoryFlags', () => {
  it('answers with the real rules: defaults, overrides, kill switch, segments', () => {
    const flags = new InMemoryFlags({ beta: { enabled: true, targetSegments: ['enterprise'] } });
    expect(flags.isEnabled('unknown', {}, true)).toBe(true);
    expect(flags.evaluate('unknown').reason).toBe('FLAG_NOT_FOUND');
    expect(flags.isEnabled('beta', { segment: 'enterprise' })).toBe(true);
    expect(flags.evaluate('beta', { segment: 'free' }).reason).toBe('SEGMENT_MISMATCH');
    flags.override('beta', { killSwitch: true });
    expect(flags.evaluate('beta', { segment: 'enterprise' })).toMatchObject({
      enabled: false,
      reason: 'KILL_SWITCH',
      flagVersion: 2,
    });
  });

  it('forgets every flag on reset', () => {
    const flags = new InMemoryFlags({ a: { enabled: true } });
    flags.reset();
    expect(flags.isEnabled('a', {}, false)).toBe(false);
  });

  it('runs a body once with the flag on and once off, then puts the flag back', async () => {
    const flags = new InMemoryFlags({ new_payment_processor: { enabled: true, rolloutPercentage: 10 } });
    const seen: [string, boolean][] = [];
    await flags.forEachFlagState('new_payment_processor', (state) => {
      seen.push([state, flags.isEnabled('new_payment_processor', { userId: 'anyone' })]);
    });
    expect(seen).toEqual([
      ['on', true],
      ['off', false],
    ]);
    expect(flags.evaluate('new_payment_processor', { userId: 'u' }).reason).toMatch(/^ROLLOUT_(IN|OUT)$/);
  });

  it('puts the flag back even when the body fails', async () => {
    const flags = new InMemoryFlags();
    await expect(
      flags.forEachFlagState('x', () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(flags.evaluate('x').reason).toBe('FLAG_NOT_FOUND');
  });
});
