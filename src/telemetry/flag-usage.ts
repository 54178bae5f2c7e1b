import { Inject, Injectable } from '@nestjs/common';
import { sql, type Kysely } from 'kysely';
import { DATABASE, ENVIRONMENT_NOT_RECORDED, type Database } from '../database/index.js';
import { CLOCK, type Clock } from '../shared/index.js';
import { COUNTED_WINDOW_MS, EvaluationTelemetry, type PendingFlag } from './evaluation-telemetry.js';

/** How much a flag is used: shown on flag reads so owners see dead flags before the stale report does. */
export interface FlagUsage {
  lastEvaluatedAt: string | null;
  /** Evaluations in the last 24 hours, 7 days and 30 days (whole hours, flushed and pending). */
  evaluations: { last24h: number; last7d: number; last30d: number };
}

const HOUR = 3_600_000;
const WINDOWS = { last24h: 24 * HOUR, last7d: 7 * 24 * HOUR, last30d: COUNTED_WINDOW_MS } as const;

/** Reads telemetry for flag views: the flushed tables plus what is still in memory. */
@Injectable()
export class FlagUsageReader {
  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    private readonly telemetry: EvaluationTelemetry,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Usage of `keys` in one environment. Without one, the default environment's, like every v1 read
   * (docs/contract.md §7: v1 routes act on the default environment): what v1 evaluations and SDK reports
   * without an environment count into, so a deployment with one environment reads exactly as before.
   * The stale rules ask lastEvaluatedAt instead, which spans every environment.
   */
  async usageOf(
    keys: readonly string[],
    environment = this.telemetry.defaultEnvironment,
  ): Promise<Map<string, FlagUsage>> {
    const now = this.clock.now().getTime();
    const currentHour = now - (now % HOUR);
    const since = (window: number) => new Date(currentHour - window + HOUR).toISOString();
    const usage = new Map<string, FlagUsage>(
      keys.map((k) => [k, { lastEvaluatedAt: null, evaluations: { last24h: 0, last7d: 0, last30d: 0 } }]),
    );
    if (keys.length === 0) return usage;
    const stored = this.storedAs(environment);
    const last = await this.db
      .selectFrom('flag_last_evaluated')
      .select((eb) => ['flag_key', eb.fn.max('at').as('at')])
      .where('flag_key', 'in', keys)
      .where('environment', 'in', stored)
      .groupBy('flag_key')
      .execute();
    for (const row of last) usage.get(row.flag_key)!.lastEvaluatedAt = row.at;
    const counts = await this.db
      .selectFrom('flag_evaluation_counts')
      .select((eb) => [
        'flag_key',
        eb.fn.sum<number>(sql`case when hour >= ${since(WINDOWS.last24h)} then count else 0 end`).as('d1'),
        eb.fn.sum<number>(sql`case when hour >= ${since(WINDOWS.last7d)} then count else 0 end`).as('d7'),
        eb.fn.sum<number>('count').as('d30'),
      ])
      .where('flag_key', 'in', keys)
      .where('environment', 'in', stored)
      .where('hour', '>=', since(WINDOWS.last30d))
      .groupBy('flag_key')
      .execute();
    for (const row of counts) {
      const e = usage.get(row.flag_key)!.evaluations;
      e.last24h += Number(row.d1);
      e.last7d += Number(row.d7);
      e.last30d += Number(row.d30);
    }
    for (const key of keys) addPending(usage.get(key)!, this.telemetry.pendingOf(key, environment), currentHour);
    return usage;
  }

  /**
   * When each of `keys` was last evaluated in any environment, flushed or still in memory (null: never):
   * docs/contract.md §7, "last evaluated" is the latest over all environments. One read of the table, not
   * one per key: the stale report asks for every live flag at once.
   */
  async lastEvaluatedAt(keys: readonly string[]): Promise<Map<string, string | null>> {
    const rows = await this.db
      .selectFrom('flag_last_evaluated')
      .select((eb) => ['flag_key', eb.fn.max('at').as('at')])
      .groupBy('flag_key')
      .execute();
    const stored = new Map(rows.map((r) => [r.flag_key, r.at]));
    return new Map(
      keys.map((key) => [key, newerOf(stored.get(key) ?? null, this.telemetry.pendingLastEvaluatedAt(key))]),
    );
  }

  /** When `key` was last evaluated in each of `environments` (null: never there), flushed or still in memory. */
  async lastEvaluatedIn(key: string, environments: readonly string[]): Promise<Map<string, string | null>> {
    const rows = await this.db
      .selectFrom('flag_last_evaluated')
      .select(['environment', 'at'])
      .where('flag_key', '=', key)
      .execute();
    const stored = new Map<string, string>();
    for (const row of rows) {
      const environment =
        row.environment === ENVIRONMENT_NOT_RECORDED ? this.telemetry.defaultEnvironment : row.environment;
      const seen = stored.get(environment);
      if (seen === undefined || row.at > seen) stored.set(environment, row.at);
    }
    return new Map(
      environments.map((environment) => [
        environment,
        newerOf(stored.get(environment) ?? null, this.telemetry.pendingOf(key, environment)?.lastEvaluatedAt),
      ]),
    );
  }

  /**
   * Evaluations of `key` in `environment` per UTC hour, for the `hours` hours up to and including the
   * current one, oldest first, every hour listed (0 when none): flushed and pending, as usageOf counts them.
   */
  async hourlyCounts(key: string, environment: string, hours: number): Promise<{ hour: string; count: number }[]> {
    const now = this.clock.now().getTime();
    const currentHour = now - (now % HOUR);
    const first = currentHour - (hours - 1) * HOUR;
    const counts = new Map<number, number>();
    for (let hour = first; hour <= currentHour; hour += HOUR) counts.set(hour, 0);
    const rows = await this.db
      .selectFrom('flag_evaluation_counts')
      .select((eb) => ['hour', eb.fn.sum<number>('count').as('count')])
      .where('flag_key', '=', key)
      .where('environment', 'in', this.storedAs(environment))
      .where('hour', '>=', new Date(first).toISOString())
      .groupBy('hour')
      .execute();
    for (const row of rows) {
      const hour = Date.parse(row.hour);
      if (counts.has(hour)) counts.set(hour, counts.get(hour)! + Number(row.count));
    }
    for (const [hour, reasons] of this.telemetry.pendingOf(key, environment)?.hours ?? [])
      if (counts.has(hour)) counts.set(hour, counts.get(hour)! + totalOf(reasons));
    return [...counts].map(([hour, count]) => ({ hour: new Date(hour).toISOString(), count }));
  }

  /** The `environment` values `environment`'s rows carry: the default one's include those from before environments. */
  private storedAs(environment: string): string[] {
    return environment === this.telemetry.defaultEnvironment ? [environment, ENVIRONMENT_NOT_RECORDED] : [environment];
  }
}

/** An hour's evaluations, whatever their reason. */
function totalOf(reasons: ReadonlyMap<string, number>): number {
  let count = 0;
  for (const n of reasons.values()) count += n;
  return count;
}

/** Counts not flushed yet, into the windows they fall in. */
function addPending(usage: FlagUsage, pending: Readonly<PendingFlag> | undefined, currentHour: number): void {
  if (pending === undefined) return;
  usage.lastEvaluatedAt = newerOf(usage.lastEvaluatedAt, pending.lastEvaluatedAt);
  for (const [hour, reasons] of pending.hours) {
    const count = totalOf(reasons);
    const age = currentHour - hour;
    if (age < WINDOWS.last24h) usage.evaluations.last24h += count;
    if (age < WINDOWS.last7d) usage.evaluations.last7d += count;
    if (age < WINDOWS.last30d) usage.evaluations.last30d += count;
  }
}

/** The later of a flushed time (ISO) and a pending one (ms, not flushed yet); null if neither. */
function newerOf(flushed: string | null, pendingMs: number | undefined): string | null {
  if (pendingMs === undefined) return flushed;
  const pending = new Date(pendingMs).toISOString();
  return flushed === null || pending > flushed ? pending : flushed;
}
