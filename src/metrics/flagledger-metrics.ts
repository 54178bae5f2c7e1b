import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ChangeRequestDirectory } from '../change-requests/index.js';
import { EnvironmentDirectory } from '../environments/index.js';
import { EVENT_STORE, StoreHealth, type EventStore } from '../event-store/index.js';
import { FlagCommandOutcomes, FlagStateReader } from '../flags/index.js';
import { StaleFlags, STALE_RULES } from '../lifecycle/index.js';
import { CLOCK, type Clock } from '../shared/index.js';
import { EvaluationTelemetry } from '../telemetry/index.js';

/** Engine reasons that answer true; every other reason answers false. */
const TRUE_REASONS = new Set(['ROLLOUT_FULL', 'ROLLOUT_IN']);

/**
 * GET /metrics in Prometheus text. Evaluation counts, staleness and lag are read when Prometheus scrapes
 * (collect callbacks), so the evaluation path pays nothing for them; commands and appends are observed
 * where they happen, once per command.
 */
@Injectable()
export class FlagledgerMetrics {
  readonly registry = new Registry();
  private readonly commands = new Counter({
    name: 'flagledger_commands_total',
    help: 'Flag commands by command and outcome',
    labelNames: ['command', 'outcome'],
    registers: [this.registry],
  });
  private readonly appendSeconds = new Histogram({
    name: 'flagledger_event_append_seconds',
    help: 'Event store append latency (one transaction, fsync included)',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });

  constructor(
    telemetry: EvaluationTelemetry,
    stale: StaleFlags,
    flags: FlagStateReader,
    outcomes: FlagCommandOutcomes,
    environments: EnvironmentDirectory,
    @Inject(EVENT_STORE) store: EventStore,
    changeRequests: ChangeRequestDirectory,
    storeHealth: StoreHealth,
    @Inject(CLOCK) clock: Clock,
  ) {
    const started = clock.now().getTime();
    new Gauge({
      name: 'flagledger_store_up',
      help: '1 while the event store takes appends, 0 since an append (or a read) failed for a storage reason until it is back',
      registers: [this.registry],
      collect() {
        this.set(storeHealth.state.up ? 1 : 0);
      },
    });
    new Counter({
      name: 'flagledger_store_append_failures_total',
      help: 'Appends refused for a storage reason (503), by reason: full or unavailable, since start',
      labelNames: ['reason'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [reason, count] of Object.entries(storeHealth.failureCounts)) this.inc({ reason }, count);
      },
    });
    new Gauge({
      name: 'flagledger_store_seconds_since_last_append',
      help: 'Seconds since an append last committed on this instance (since start when none has)',
      registers: [this.registry],
      collect() {
        const last = storeHealth.lastAppendedAt?.getTime() ?? started;
        this.set((clock.now().getTime() - last) / 1000);
      },
    });
    new Gauge({
      name: 'flagledger_unreviewed_break_glass',
      help: 'Kill switches engaged as break glass in protected environments that nobody else has acknowledged yet',
      registers: [this.registry],
      collect() {
        this.set(changeRequests.unreviewedBreakGlass());
      },
    });
    outcomes.subscribe({
      commandFinished: (command, outcome) => this.commands.inc({ command, outcome }),
      appendTook: (seconds) => this.appendSeconds.observe(seconds),
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'flagledger_process_' });
    /*
     * The environment label appears on every series as soon as there is more than one environment. With
     * the default one alone there is nothing to tell apart, and the series stay exactly those of v1
     * (docs/contract.md §7: v1 answers as before), so dashboards and alerts on them keep working. When a
     * second environment is created, every series moves to the labelled form at the next scrape, at once:
     * a query never sees the same counts with and without the label.
     */
    new Counter({
      name: 'flagledger_evaluations_total',
      help: 'Evaluations (server routes and SDK reports) by flag, result, reason and, with several environments, environment, since start',
      labelNames: ['environment', 'flag', 'result', 'reason'],
      registers: [this.registry],
      collect() {
        this.reset();
        const labelled = environments.all().length > 1;
        for (const [flag, inEnvironments] of telemetry.totalsSinceStart()) {
          for (const [environment, reasons] of inEnvironments) {
            for (const [reason, count] of reasons) {
              const labels = { flag, reason, result: String(TRUE_REASONS.has(reason)) };
              this.inc(labelled ? { environment, ...labels } : labels, count);
            }
          }
        }
      },
    });
    new Gauge({
      name: 'flagledger_stale_flags',
      help: 'Stale flags by rule (a flag matching several rules counts under each)',
      labelNames: ['rule'],
      registers: [this.registry],
      async collect() {
        // The report reads the database: with the store down the last values stay, and the scrape still
        // answers, flagledger_store_up 0 among it (the one series an outage alert needs).
        const report = await stale.report().catch(() => undefined);
        if (report === undefined) return;
        for (const rule of STALE_RULES) this.set({ rule }, report.flags.filter((f) => f.rules.includes(rule)).length);
      },
    });
    new Gauge({
      name: 'flagledger_projection_lag_events',
      help: 'Head seq of the log minus the seq the in-memory projection has applied',
      registers: [this.registry],
      async collect() {
        // With the store down the last value stays: a scrape must still answer (flagledger_store_up says why).
        const head = await store.head().catch(() => undefined);
        if (head !== undefined) this.set(head.seq - flags.appliedSeq);
      },
    });
  }
}
