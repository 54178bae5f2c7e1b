import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { ManualClock } from '../../test/support/clock.js';
import { tempDir } from '../../test/support/temp-dir.js';
import type { AppConfig } from '../config/index.js';
import { openSqliteDatabase, type Database, type OpenedDatabase } from '../database/index.js';
import { EvaluationTelemetry } from './evaluation-telemetry.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * `db`, except that while `failing()` names a failure its transactions wait for it and then fail with it
 * (a disk full, a lost connection): the test decides what happens while the flush is under way.
 */
function flaky(db: Kysely<Database>, failing: () => Promise<never> | undefined): Kysely<Database> {
  return new Proxy(db, {
    get(target, property) {
      const failure = property === 'transaction' ? failing() : undefined;
      if (failure !== undefined) return () => ({ execute: () => failure });
      const value: unknown = Reflect.get(target, property, target);
      // Kysely keeps its state in private fields: its methods must run on the instance itself.
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** A failure that happens when the test says so. */
function pendingFailure(): { failure: Promise<never>; fail: () => void } {
  let fail = () => {};
  const failure = new Promise<never>((_, reject) => {
    fail = () => reject(new Error('database unavailable'));
  });
  return { failure, fail };
}

describe('EvaluationTelemetry, per environment', () => {
  const temp = tempDir();
  let opened: OpenedDatabase;
  let failure: Promise<never> | undefined;
  let clock: ManualClock;
  let telemetry: EvaluationTelemetry;

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(async () => {
    opened = await openSqliteDatabase(join(temp.dir, `${Date.now()}-${Math.random()}.db`), 'normal');
    failure = undefined;
    clock = new ManualClock();
    const config = { telemetry: true, defaultEnvironment: 'production' } as AppConfig;
    telemetry = new EvaluationTelemetry(
      flaky(opened.db, () => failure),
      clock,
      HOUR,
      config,
    );
  });
  afterEach(() => opened.db.destroy());
  afterAll(() => temp.cleanup());

  const rows = async () => ({
    counts: await opened.db
      .selectFrom('flag_evaluation_counts')
      .select(['flag_key', 'environment', 'reason', 'count'])
      .orderBy('flag_key')
      .orderBy('environment')
      .execute(),
    last: await opened.db
      .selectFrom('flag_last_evaluated')
      .select(['flag_key', 'environment', 'at'])
      .orderBy('flag_key')
      .orderBy('environment')
      .execute(),
  });

  it('given no environment, counts in the default one; given one, in that one', async () => {
    telemetry.record('checkout', 'ROLLOUT_FULL');
    telemetry.record('checkout', 'ROLLOUT_FULL', 'staging');
    telemetry.add('checkout', 'DISABLED', 3, clock.now().getTime(), 'staging');
    expect(telemetry.pendingOf('checkout')?.hours.get(clock.now().getTime())).toEqual(new Map([['ROLLOUT_FULL', 1]]));
    expect(telemetry.pendingOf('checkout', 'staging')?.hours.get(clock.now().getTime())).toEqual(
      new Map([
        ['ROLLOUT_FULL', 1],
        ['DISABLED', 3],
      ]),
    );
    expect(telemetry.totalsSinceStart()).toEqual(
      new Map([
        [
          'checkout',
          new Map([
            ['production', new Map([['ROLLOUT_FULL', 1]])],
            [
              'staging',
              new Map([
                ['ROLLOUT_FULL', 1],
                ['DISABLED', 3],
              ]),
            ],
          ]),
        ],
      ]),
    );
  });

  it('pendingLastEvaluatedAt: given evaluations in two environments, then the later of them', () => {
    telemetry.record('checkout', 'ROLLOUT_FULL', 'staging');
    clock.advance(60_000);
    telemetry.record('checkout', 'ROLLOUT_FULL');
    clock.advance(60_000);
    telemetry.add('checkout', 'ROLLOUT_FULL', 1, clock.now().getTime() - 30_000, 'staging');
    expect(telemetry.pendingLastEvaluatedAt('checkout')).toBe(clock.now().getTime() - 30_000);
    expect(telemetry.pendingLastEvaluatedAt('other')).toBeUndefined();
  });

  it('when a flush fails, then every environment keeps its counts, merged with those counted meanwhile, for the next flush', async () => {
    clock.advance(30 * 60_000);
    const at = clock.now().toISOString();
    telemetry.record('checkout', 'ROLLOUT_FULL');
    telemetry.record('checkout', 'ROLLOUT_FULL', 'staging');
    // Reported 40 days ago: moves lastEvaluatedAt only, no hourly count (outside the 30-day window).
    telemetry.add('dormant', 'DISABLED', 1, clock.now().getTime() - 40 * DAY, 'staging');
    const outage = pendingFailure();
    failure = outage.failure;
    const flushed = telemetry.flush();
    // Reported while the failing flush is under way, from earlier in the same hour.
    await Promise.resolve();
    telemetry.add('checkout', 'ROLLOUT_FULL', 1, clock.now().getTime() - 20 * 60_000, 'staging');
    outage.fail();
    await flushed;
    expect(await rows()).toEqual({ counts: [], last: [] });

    failure = undefined;
    await telemetry.flush();
    expect(await rows()).toEqual({
      counts: [
        { flag_key: 'checkout', environment: 'production', reason: 'ROLLOUT_FULL', count: 1 },
        { flag_key: 'checkout', environment: 'staging', reason: 'ROLLOUT_FULL', count: 2 },
      ],
      last: [
        { flag_key: 'checkout', environment: 'production', at },
        { flag_key: 'checkout', environment: 'staging', at },
        { flag_key: 'dormant', environment: 'staging', at: new Date(clock.now().getTime() - 40 * DAY).toISOString() },
      ],
    });
    expect(telemetry.pendingOf('checkout', 'staging')).toBeUndefined();
  });
});
