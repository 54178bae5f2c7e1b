import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { AppConfig } from '../config/index.js';
import { DATABASE, type Database, dialectSql } from '../database/index.js';
import { APP_CONFIG, CLOCK, type Clock } from '../shared/index.js';

/** How often the counters go to the database (and once more at shutdown). */
export const TELEMETRY_FLUSH_MS = 5000;
export const TELEMETRY_FLUSH_INTERVAL = Symbol('TELEMETRY_FLUSH_INTERVAL');

const HOUR_MS = 3_600_000;
/** The hours evaluation counts are kept for: the longest window flag reads show (FlagUsage: 30 days). */
export const COUNTED_WINDOW_MS = 30 * 24 * HOUR_MS;

export interface PendingFlag {
  lastEvaluatedAt: number;
  /** hour start (ms) → reason → count */
  hours: Map<number, Map<string, number>>;
}

/** reason → count */
type ReasonCounts = Map<string, number>;

/**
 * Counts evaluations per environment, flag, hour and reason, and remembers when each flag was last
 * evaluated in each environment: in memory on the evaluation path (a few map operations, no I/O), written
 * to the database in one transaction every few seconds and at shutdown. Telemetry, never events: it says
 * nothing about who changed what, and losing the last few seconds in a crash is acceptable.
 *
 * Only flags get counts of their own: callers pass UNKNOWN_FLAG_KEY for every other key (evaluation/ does,
 * through countedFlagKey, for its routes and SDK reports), and only environments that exist (the routes
 * check them first), so the maps here, the tables and /metrics grow with the flags editors and the
 * environments admins create, never with the names evaluators send. Telemetry does not read the flags or
 * the environments itself: flags/ shows usage on flag reads, so it sits below both.
 */
@Injectable()
export class EvaluationTelemetry implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(EvaluationTelemetry.name);
  /** flag → environment → its pending counts; flags or UNKNOWN_FLAG_KEY, environments that exist */
  private pending = new Map<string, Map<string, PendingFlag>>();
  /** Since start, never reset: what GET /metrics reports as counters. flag → environment → reason → count */
  private readonly totals = new Map<string, Map<string, ReasonCounts>>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly enabled: boolean;
  /** Where evaluations are counted when the caller names no environment: the v1 routes' environment. */
  readonly defaultEnvironment: string;

  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(TELEMETRY_FLUSH_INTERVAL) private readonly flushIntervalMs: number,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.enabled = config.telemetry;
    this.defaultEnvironment = config.defaultEnvironment;
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), this.flushIntervalMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /**
   * One evaluation answered now (the server's own routes) in `environment` (default: the default one);
   * `flagKey` is a flag or UNKNOWN_FLAG_KEY.
   */
  record(flagKey: string, reason: string, environment = this.defaultEnvironment): void {
    if (!this.enabled) return;
    this.tally(environment, flagKey, reason, 1, this.clock.now().getTime(), true);
  }

  /** Evaluations reported by an SDK: `count` of them, the last at `at` (ms); `flagKey` and `environment` as for record. */
  add(flagKey: string, reason: string, count: number, at: number, environment = this.defaultEnvironment): void {
    if (!this.enabled) return;
    this.tally(environment, flagKey, reason, count, at, this.isCountedHour(at));
  }

  /**
   * An SDK chooses the time it reports: counts for an hour no read shows would only add a row per hour
   * named, without bound. Server evaluations happen now, so only reports are asked.
   */
  private isCountedHour(at: number): boolean {
    const now = this.clock.now().getTime();
    return at - (at % HOUR_MS) > now - (now % HOUR_MS) - COUNTED_WINDOW_MS;
  }

  private tally(
    environment: string,
    flagKey: string,
    reason: string,
    count: number,
    at: number,
    countHour: boolean,
  ): void {
    const total = innerMap(innerMap(this.totals, flagKey), environment);
    total.set(reason, (total.get(reason) ?? 0) + count);
    this.accumulate(environment, flagKey, reason, count, at, countHour);
  }

  /** Evaluations per flag, environment and reason since this process started. */
  totalsSinceStart(): ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, number>>> {
    return this.totals;
  }

  /** Pending counts: lastEvaluatedAt always moves (one row per flag and environment); the hour's count only if `countHour`. */
  private accumulate(
    environment: string,
    flagKey: string,
    reason: string,
    count: number,
    at: number,
    countHour: boolean,
  ): void {
    const environments = innerMap(this.pending, flagKey);
    let flag = environments.get(environment);
    if (flag === undefined) {
      flag = { lastEvaluatedAt: at, hours: new Map() };
      environments.set(environment, flag);
    } else if (at > flag.lastEvaluatedAt) {
      flag.lastEvaluatedAt = at;
    }
    if (!countHour) return;
    const reasons = innerMap(flag.hours, at - (at % HOUR_MS));
    reasons.set(reason, (reasons.get(reason) ?? 0) + count);
  }

  /** The newest evaluation of the flag in any environment not flushed yet (ms), so reads need not wait for the next flush. */
  pendingLastEvaluatedAt(flagKey: string): number | undefined {
    let latest: number | undefined;
    for (const flag of this.pending.get(flagKey)?.values() ?? [])
      if (latest === undefined || flag.lastEvaluatedAt > latest) latest = flag.lastEvaluatedAt;
    return latest;
  }

  /** What is counted for the flag in `environment` (default: the default one) but not flushed yet (read-only view). */
  pendingOf(flagKey: string, environment = this.defaultEnvironment): Readonly<PendingFlag> | undefined {
    return this.pending.get(flagKey)?.get(environment);
  }

  /** Writes what accumulated since the last flush, in one transaction; flushes never overlap. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  /** A failed flush's batch back into pending, merged with what was counted meanwhile. */
  private restore(batch: Map<string, Map<string, PendingFlag>>): void {
    for (const [flagKey, environments] of batch) {
      const pending = innerMap(this.pending, flagKey);
      for (const [environment, flag] of environments) {
        const merged = pending.get(environment);
        if (merged === undefined) {
          pending.set(environment, flag);
          continue;
        }
        merged.lastEvaluatedAt = Math.max(merged.lastEvaluatedAt, flag.lastEvaluatedAt);
        for (const [hour, reasons] of flag.hours) {
          const into = innerMap(merged.hours, hour);
          for (const [reason, count] of reasons) into.set(reason, (into.get(reason) ?? 0) + count);
        }
      }
    }
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      // The larger of two values: SQLite's scalar max(a, b) is PostgreSQL's greatest(a, b) (max is only an aggregate there).
      const greatest = dialectSql(this.db, { sqlite: 'max', postgres: 'greatest' } as const);
      await this.db.transaction().execute(async (trx) => {
        for (const [flagKey, environments] of batch) {
          for (const [environment, flag] of environments) {
            const at = new Date(flag.lastEvaluatedAt).toISOString();
            await trx
              .insertInto('flag_last_evaluated')
              .values({ flag_key: flagKey, environment, at })
              .onConflict((oc) =>
                oc
                  .columns(['flag_key', 'environment'])
                  .doUpdateSet((eb) => ({ at: eb.fn(greatest, ['flag_last_evaluated.at', eb.ref('excluded.at')]) })),
              )
              .execute();
            for (const [hour, reasons] of flag.hours) {
              for (const [reason, count] of reasons) {
                await trx
                  .insertInto('flag_evaluation_counts')
                  .values({ flag_key: flagKey, environment, hour: new Date(hour).toISOString(), reason, count })
                  .onConflict((oc) =>
                    oc.columns(['flag_key', 'environment', 'hour', 'reason']).doUpdateSet((eb) => ({
                      count: eb('flag_evaluation_counts.count', '+', eb.ref('excluded.count')),
                    })),
                  )
                  .execute();
              }
            }
          }
        }
      });
    } catch (error) {
      // Put the counts back so the next flush retries them; telemetry must never fail an evaluation.
      this.restore(batch);
      this.logger.error({
        msg: 'telemetry flush failed; will retry',
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}

/** The map `map` holds under `key`, created empty the first time. */
function innerMap<K, K2, V>(map: Map<K, Map<K2, V>>, key: K): Map<K2, V> {
  let inner = map.get(key);
  if (inner === undefined) {
    inner = new Map();
    map.set(key, inner);
  }
  return inner;
}
