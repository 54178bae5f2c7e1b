import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { ManualClock } from '../../test/support/clock.js';
import { StoreHealth } from './store-health.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('StoreHealth', () => {
  let logged: string[];
  beforeEach(() => {
    logged = [];
    for (const level of ['log', 'error'] as const)
      jest.spyOn(Logger.prototype, level).mockImplementation((message: unknown) => {
        logged.push((message as { msg: string }).msg);
      });
  });
  afterEach(() => jest.restoreAllMocks());

  it('given failed appends, it is down once, logging one line however many fail, and counts each', () => {
    const health = new StoreHealth(new ManualClock(), () => Promise.reject(new Error('still full')), 60_000);
    for (let i = 0; i < 5; i++) health.appendFailed('full', new Error('SQLITE_FULL'));
    expect(health.state).toMatchObject({ up: false, failure: 'full' });
    expect(health.failureCounts).toEqual({ full: 5, unavailable: 0 });
    expect(logged).toEqual(['event store down: storage full']);
    health.appended();
    expect(health.state).toEqual({ up: true });
    expect(logged).toEqual(['event store down: storage full', 'event store back']);
    health.appended();
    expect(logged).toHaveLength(2);
  });

  it('given a new reason while down, it says so once more', () => {
    const health = new StoreHealth(new ManualClock(), () => Promise.reject(new Error('no')), 60_000);
    health.appendFailed('full', new Error('a'));
    health.readFailed('unavailable', new Error('b'));
    expect(health.state).toMatchObject({ up: false, failure: 'unavailable' });
    expect(logged).toEqual(['event store down: storage full', 'event store down: storage unavailable']);
    health.appended();
  });

  it('given a probe that passes, it comes back without any append; while the probe fails it stays down', async () => {
    let writable = false;
    const health = new StoreHealth(
      new ManualClock(),
      async () => {
        if (!writable) throw new Error('full');
      },
      10,
    );
    health.appendFailed('full', new Error('SQLITE_FULL'));
    await tick(50);
    expect(health.state.up).toBe(false);
    writable = true;
    await tick(50);
    expect(health.state).toEqual({ up: true });
    expect(health.lastAppendedAt).toBeUndefined();
  });
});
