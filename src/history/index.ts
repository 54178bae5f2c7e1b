/** A flag's history, the audit timeline and its projection. */
export { AuditFilterQuery } from './audit-filter.query.dto.js';
export type { AuditTrailTable } from './audit-trail.table.js';
export { HistoryModule } from './history.module.js';
