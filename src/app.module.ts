import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AuthModule } from './auth/index.js';
import { ChangeRequestsModule, SCHEDULE_TICK_MS } from './change-requests/index.js';
import type { AppConfig } from './config/index.js';
import { CoreModule } from './core.module.js';
import { DatabaseModule } from './database/index.js';
import { DecisionLogModule } from './decision-log/index.js';
import { type DeliveryOptions, DeliveryModule } from './delivery/index.js';
import { EnvironmentsModule } from './environments/index.js';
import { EvaluationModule } from './evaluation/index.js';
import { EventStoreModule } from './event-store/index.js';
import { ExportModule } from './export/index.js';
import { FlagsModule } from './flags/index.js';
import { HealthModule } from './health/index.js';
import { HistoryModule } from './history/index.js';
import { ProblemDetailsFilter, StrictValidationPipe } from './http/index.js';
import { IntegrityModule } from './integrity/index.js';
import { LifecycleModule } from './lifecycle/index.js';
import { MetricsModule } from './metrics/index.js';
import { OfrepModule } from './ofrep/index.js';
import { ReplayModule } from './replay/index.js';
import { LifecycleLogger, systemClock, type Clock } from './shared/index.js';
import { TELEMETRY_FLUSH_MS, TelemetryModule } from './telemetry/index.js';
import { UnleashModule } from './unleash/index.js';

export interface AppModuleOptions {
  config: AppConfig;
  /** Tests pass a controllable clock; production uses the system clock. */
  clock?: Clock;
  /** Tests shorten the stream heartbeat; production uses the defaults. */
  delivery?: Partial<DeliveryOptions>;
  /** Tests flush telemetry by hand; production every few seconds. */
  telemetryFlushMs?: number;
  /** How often scheduled change requests are looked at (default SCHEDULE_TICK_MS). */
  scheduleTickMs?: number;
}

@Module({})
export class AppModule {
  static forRoot({
    config,
    clock = systemClock,
    delivery,
    telemetryFlushMs = TELEMETRY_FLUSH_MS,
    scheduleTickMs = SCHEDULE_TICK_MS,
  }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot({ config, clock, telemetryFlushMs, scheduleTickMs }),
        DatabaseModule.forConfig(config.database, config.dbTimeoutMs),
        EventStoreModule,
        AuthModule,
        EnvironmentsModule,
        // Express tries routes in the order they were registered, module by module: the evaluation route,
        // hit on every flag check a service makes over HTTP, is tried first.
        EvaluationModule,
        // Any order: GET /v1/flags/stale is answered by LifecycleModule whichever registers first.
        FlagsModule,
        LifecycleModule,
        HistoryModule,
        ExportModule,
        IntegrityModule,
        ReplayModule,
        ChangeRequestsModule,
        DeliveryModule.forRoot({ maxStreamsPerPrincipal: config.maxStreamsPerToken, ...delivery }),
        TelemetryModule,
        UnleashModule,
        OfrepModule,
        DecisionLogModule,
        MetricsModule,
        HealthModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useClass: StrictValidationPipe },
        LifecycleLogger,
      ],
    };
  }
}
