import { Module } from '@nestjs/common';
import { EvaluationTelemetry } from './evaluation-telemetry.js';
import { FlagUsageReader } from './flag-usage.js';

/**
 * Evaluation counts and last-evaluated times: recorded in memory, flushed in batches. The flush interval
 * (TELEMETRY_FLUSH_INTERVAL) comes from the app's run options (AppModule.forRoot).
 */
@Module({ providers: [EvaluationTelemetry, FlagUsageReader], exports: [EvaluationTelemetry, FlagUsageReader] })
export class TelemetryModule {}
