import { Module, type DynamicModule } from '@nestjs/common';
import { EvaluationTelemetry, TELEMETRY_FLUSH_INTERVAL, TELEMETRY_FLUSH_MS } from './evaluation-telemetry.js';
import { FlagUsageReader } from './flag-usage.js';
import { TelemetryController } from './telemetry.controller.js';

/** Evaluation counts and last-evaluated times: recorded in memory, flushed in batches. */
@Module({})
export class TelemetryModule {
  static forRoot(flushIntervalMs = TELEMETRY_FLUSH_MS): DynamicModule {
    return {
      module: TelemetryModule,
      global: true,
      controllers: [TelemetryController],
      providers: [
        EvaluationTelemetry,
        FlagUsageReader,
        { provide: TELEMETRY_FLUSH_INTERVAL, useValue: flushIntervalMs },
      ],
      exports: [EvaluationTelemetry, FlagUsageReader],
    };
  }
}
