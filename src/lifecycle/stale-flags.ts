import { Inject, Injectable } from '@nestjs/common';
import { type AppConfig } from '../config/index.js';
import { EnvironmentDirectory } from '../environments/index.js';
import { EVENT_STORE, type EventStore } from '../event-store/index.js';
import { type FlagEvent, type FlagRecord, FLAG_EVENT_TYPES, FlagStateReader } from '../flags/index.js';
import { APP_CONFIG, CLOCK, type Clock } from '../shared/index.js';
import { FlagUsageReader } from '../telemetry/index.js';
import { fullyRolledOutSince, type RolloutEnvironments } from './fully-rolled-out-since.js';
import {
  isFullyRolledOutIn,
  productionEnvironments,
  staleRules,
  type StaleRule,
  type StaleThresholds,
} from './stale-rules.js';

export interface StaleFlag {
  key: string;
  type: string;
  /** The first rule that made it stale; `rules` lists them all. */
  rule: StaleRule;
  rules: StaleRule[];
  owner: string;
  ticket: string | null;
  createdAt: string;
  ageDays: number;
  expiresAt: string | null;
  fullyRolledOutSince: string | null;
  lastEvaluatedAt: string | null;
}

export interface StaleReport {
  generatedAt: string;
  thresholds: StaleThresholds;
  flags: StaleFlag[];
}

const DAY_MS = 86_400_000;

/**
 * docs/contract.md §5 over the live flags, their telemetry and (for release flags) their event history,
 * per §7: rollout is judged in the environments of type `production`, all of them, and "last evaluated"
 * is the latest evaluation in any environment.
 */
@Injectable()
export class StaleFlags {
  constructor(
    private readonly flags: FlagStateReader,
    private readonly usage: FlagUsageReader,
    private readonly environments: EnvironmentDirectory,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async report(): Promise<StaleReport> {
    const now = this.clock.now();
    const thresholds = this.config.staleThresholds;
    const rollout: RolloutEnvironments = {
      production: productionEnvironments(this.environments.all()),
      defaultEnvironment: this.flags.defaultEnvironment,
    };
    const live = [...this.flags.records()].filter((flag) => !flag.archived).sort((a, b) => (a.key < b.key ? -1 : 1));
    const lastEvaluated = await this.usage.lastEvaluatedAt(live.map((flag) => flag.key));
    const found: StaleFlag[] = [];
    for (const flag of live) {
      const lastEvaluatedAt = lastEvaluated.get(flag.key) ?? null;
      const since = flag.type === 'release' ? await this.fullyRolledOutSince(flag, rollout) : null;
      const rules = staleRules(flag, { fullyRolledOutSince: since, lastEvaluatedAt }, now, thresholds);
      if (rules.length === 0) continue;
      found.push({
        key: flag.key,
        type: flag.type,
        rule: rules[0]!,
        rules,
        owner: flag.owner,
        ticket: flag.ticket,
        createdAt: flag.createdAt,
        ageDays: Math.floor((now.getTime() - Date.parse(flag.createdAt)) / DAY_MS),
        expiresAt: flag.expiresAt,
        fullyRolledOutSince: since,
        lastEvaluatedAt,
      });
    }
    return { generatedAt: now.toISOString(), thresholds, flags: found };
  }

  /** Only a flag that is fully rolled out now has a "since"; then its history says since when. */
  private async fullyRolledOutSince(flag: FlagRecord, rollout: RolloutEnvironments): Promise<string | null> {
    if (!isFullyRolledOutIn(flag, rollout.production)) return null;
    const rows = await this.store.history.streamTail(flag.key, FLAG_EVENT_TYPES);
    return fullyRolledOutSince(
      rows.map((r) => ({ event: { type: r.type, data: JSON.parse(r.data) } as FlagEvent, envelope: r })),
      rollout,
    );
  }
}
