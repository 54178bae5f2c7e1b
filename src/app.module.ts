import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AuthModule } from './auth/auth.module.js';
import { APP_CONFIG, type AppConfig } from './config/app-config.js';
import { DatabaseModule } from './database/database.module.js';
import { DecisionLogModule } from './decision-log/decision-log.module.js';
import type { DeliveryOptions } from './delivery/delivery-options.js';
import { DeliveryModule } from './delivery/delivery.module.js';
import { EvaluationModule } from './evaluation/evaluation.module.js';
import { EventStoreModule } from './event-store/event-store.module.js';
import { ExportModule } from './export/export.module.js';
import { FlagsModule } from './flags/flags.module.js';
import { HealthModule } from './health/health.module.js';
import { HistoryModule } from './history/history.module.js';
import { ProblemDetailsFilter } from './http/problem-details.filter.js';
import { StrictValidationPipe } from './http/validation.pipe.js';
import { IntegrityModule } from './integrity/integrity.module.js';
import { LifecycleModule } from './lifecycle/lifecycle.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { ReplayModule } from './replay/replay.module.js';
import { CLOCK, systemClock, type Clock } from './shared/clock.js';
import { LifecycleLogger } from './shared/lifecycle-logger.js';
import { TelemetryModule } from './telemetry/telemetry.module.js';

export interface AppModuleOptions {
  config: AppConfig;
  /** Tests pass a controllable clock; production uses the system clock. */
  clock?: Clock;
  /** Tests shorten the stream heartbeat; production uses the defaults. */
  delivery?: Partial<DeliveryOptions>;
  /** Tests flush telemetry by hand; production every few seconds. */
  telemetryFlushMs?: number;
}

@Module({})
export class AppModule {
  static forRoot({ config, clock = systemClock, delivery, telemetryFlushMs }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        DatabaseModule.forConfig(config.database),
        EventStoreModule,
        AuthModule,
        LifecycleModule,
        FlagsModule,
        HistoryModule,
        ExportModule,
        IntegrityModule,
        ReplayModule,
        EvaluationModule,
        DeliveryModule.forRoot({ maxStreamsPerPrincipal: config.maxStreamsPerToken, ...delivery }),
        TelemetryModule.forRoot(telemetryFlushMs),
        DecisionLogModule,
        MetricsModule,
        HealthModule,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: CLOCK, useValue: clock },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useClass: StrictValidationPipe },
        LifecycleLogger,
      ],
      exports: [APP_CONFIG, CLOCK],
    };
  }
}
