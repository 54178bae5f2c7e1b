/** A flag's history, the audit timeline and its projection. */
export { AuditFilterQuery, toTimelineFilter, type TimelineFilter } from './audit-filter.query.dto.js';
export type { AuditTrailTable } from './audit-trail.table.js';
export { changeRequestTraceOf } from './change-request-trace.js';
export {
  environmentOf,
  environmentViewOf,
  EVERY_ENVIRONMENT,
  keeps,
  type EnvironmentView,
} from './environment-view.js';
export { HistoryModule } from './history.module.js';
export { latestFlagChange, type LatestFlagChange } from './latest-flag-change.js';
