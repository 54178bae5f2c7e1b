import type { Clock } from '../../src/shared/clock.js';

/** A clock tests move by hand instead of sleeping. */
export class ManualClock implements Clock {
  constructor(private current = new Date('2026-11-25T12:00:00.000Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** The machine's clock, for a test that runs something as a reader would (a README walk-through). */
export class WallClock extends ManualClock {
  override now(): Date {
    return new Date();
  }
}
