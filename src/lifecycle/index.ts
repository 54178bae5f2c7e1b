/** Stale-flag detection and the cleanup report. */
export { cleanupReport, cleanupReportMarkdown } from './cleanup-report.js';
export { LifecycleModule } from './lifecycle.module.js';
export { findFlagReferences } from './source-references.js';
export { StaleFlags } from './stale-flags.js';
export { DEFAULT_STALE_THRESHOLDS, STALE_RULES, type StaleThresholds } from './stale-rules.js';
