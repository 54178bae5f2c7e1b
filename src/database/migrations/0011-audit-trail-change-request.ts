import { sql, type Kysely, type Migration } from 'kysely';
import { schemaDialectOf } from '../schema-dialects.js';

/**
 * audit_trail.change_request_id, change_request_author and change_request_approvers (a JSON list): the
 * change request whose apply wrote a flag event (docs/contract.md §10, the event's `changeRequest`), NULL
 * on every other row, so history and audit show it and `changeRequest=` selects by it without reading the
 * log. Plain columns rather than one JSON value, so the filter is an indexed equality on both dialects.
 */
export const auditTrailChangeRequest: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const { text } = schemaDialectOf(db);
    for (const column of ['change_request_id', 'change_request_author', 'change_request_approvers'])
      await db.schema.alterTable('audit_trail').addColumn(column, text).execute();
    await backfill(db);
    await db.schema
      .createIndex('audit_trail_change_request_index')
      .on('audit_trail')
      .columns(['change_request_id', 'seq'])
      .execute();
  },
};

/**
 * Rows of applies written before this column get it from their events, as a rebuild would write them.
 * Read in JS rather than with each dialect's nested-JSON syntax: the LIKE (canonical JSON has
 * `"changeRequest":` only as a key) leaves only the events of applies, few next to the log. The shape is
 * spelled out, not imported, since a migration must do tomorrow what it did the day it first ran.
 */
async function backfill(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ seq: number | string; data: string }>`
    SELECT seq, data FROM events WHERE data LIKE '%"changeRequest":%'`.execute(db);
  for (const row of rows) {
    const trace = (JSON.parse(row.data) as { changeRequest?: { id: string; author: string; approvers: string[] } })
      .changeRequest;
    if (trace === undefined) continue;
    await sql`
      UPDATE audit_trail SET change_request_id = ${trace.id}, change_request_author = ${trace.author},
        change_request_approvers = ${JSON.stringify(trace.approvers)}
      WHERE seq = ${Number(row.seq)}`.execute(db);
  }
}
