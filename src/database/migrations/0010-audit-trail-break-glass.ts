import type { Kysely, Migration } from 'kysely';

/**
 * audit_trail.break_glass: 1 on the row of a kill switch engaged directly in a protected environment
 * (docs/contract.md §10, the event's `breakGlass`), NULL on every other row, so history and audit can
 * show it without reading the log. Nothing to backfill: no event had `breakGlass` before this column.
 */
export const auditTrailBreakGlass: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('audit_trail').addColumn('break_glass', 'integer').execute();
  },
};
