/** Evaluation counts and last-evaluated times, recorded in memory and flushed in batches. */
export { EvaluationTelemetry } from './evaluation-telemetry.js';
export { FlagUsageReader, type FlagUsage } from './flag-usage.js';
export { TelemetryModule } from './telemetry.module.js';
export type { FlagEvaluationCountTable, FlagLastEvaluatedTable } from './telemetry.tables.js';
