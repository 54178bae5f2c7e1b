/** Evaluation counts and last-evaluated times, recorded in memory and flushed in batches. */
export { EvaluationTelemetry, TELEMETRY_FLUSH_INTERVAL, TELEMETRY_FLUSH_MS } from './evaluation-telemetry.js';
export { FlagUsageReader, type FlagUsage } from './flag-usage.js';
export { TelemetryModule } from './telemetry.module.js';
export { UNKNOWN_FLAG_KEY } from './unknown-flag-key.js';
export type { FlagEvaluationCountTable, FlagLastEvaluatedTable } from './telemetry.tables.js';
