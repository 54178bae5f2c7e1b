import { Module, type DynamicModule } from '@nestjs/common';
import { FlagsModule } from '../flags/flags.module.js';
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
      // The flag state tells a flag from a key nobody created (see UNKNOWN_FLAG_KEY).
      imports: [FlagsModule],
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
