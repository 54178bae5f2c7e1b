import { Injectable } from '@nestjs/common';
import { sql, type Kysely } from 'kysely';
import { type Database, dialectSql } from '../database/index.js';
import { type ProjectedEvent, type RebuildableProjection, ProjectionRegistry } from '../event-store/index.js';
import { FLAG_EVENT_TYPES_WITH_ENVIRONMENT, isFlagEventType, type Change } from '../flags/index.js';
import { chunks } from '../shared/index.js';
import type { AuditTrailTable } from './audit-trail.table.js';
import { changeRequestTraceOf } from './change-request-trace.js';

const COLUMNS = [
  'seq',
  'flag_key',
  'version',
  'type',
  'actor',
  'actor_token_id',
  'at',
  'reason',
  'from_value',
  'to_value',
  'environment',
  'break_glass',
  'change_request_id',
  'change_request_author',
  'change_request_approvers',
] as const;

const WITH_ENVIRONMENT: ReadonlySet<string> = new Set(FLAG_EVENT_TYPES_WITH_ENVIRONMENT);

/** One row per flag event: who did what, when, why, from what to what. */
@Injectable()
export class AuditTrailProjection implements RebuildableProjection {
  readonly name = 'audit_trail';
  readonly tables = ['audit_trail'] as const;

  constructor(registry: ProjectionRegistry) {
    registry.register(this);
  }

  async apply(db: Kysely<Database>, events: readonly ProjectedEvent[]): Promise<void> {
    const rows = events
      .filter((e) => isFlagEventType(e.type))
      .map((e) => {
        const { from, to } = e.type === 'FlagCreated' ? { from: null, to: e.data } : (e.data as Change<unknown>);
        const trace = changeRequestTraceOf(e.data);
        return [
          e.seq,
          e.streamId,
          e.version,
          e.type,
          e.actor,
          e.actorTokenId ?? null,
          e.at,
          e.reason,
          JSON.stringify(from),
          JSON.stringify(to),
          WITH_ENVIRONMENT.has(e.type) ? ((e.data as { environment?: string }).environment ?? null) : null,
          (e.data as { breakGlass?: true }).breakGlass === true ? 1 : null,
          trace?.id ?? null,
          trace?.author ?? null,
          trace === undefined ? null : JSON.stringify(trace.approvers),
        ] as const;
      });
    if (rows.length === 0) return;
    await dialectSql(db, INSERT_ROWS)(db, rows);
  }
}

type AuditRow = readonly [
  number,
  string,
  number,
  string,
  string,
  string | null,
  string,
  string | null,
  string,
  string,
  string | null,
  1 | null,
  string | null,
  string | null,
  string | null,
];

const INSERT_ROWS = {
  // Rows as arrays in column order, sent as one JSON parameter however many there are: SQLite unpacks
  // it itself, far cheaper than compiling a statement with a placeholder per column per row. Converted to
  // JSONB once, so each `->>` walks a binary array instead of re-parsing its text (json_each hands
  // out each row as text); as fast as a prepared single-row INSERT per row (figures: bench/RESULTS.md).
  sqlite: async (db: Kysely<Database>, rows: readonly AuditRow[]) => {
    const column = (index: number) => sql`j.value ->> ${sql.raw(String(index))}`;
    await db
      .insertInto('audit_trail')
      .columns(COLUMNS)
      .expression(
        db
          .selectFrom(sql<{ value: string }>`jsonb_each(jsonb(${JSON.stringify(rows)}))`.as('j'))
          .select(COLUMNS.map((name, i) => column(i).as(name))),
      )
      .execute();
  },
  // A plain multi-row INSERT: its parameters are typed by the columns they fill, where unpacking JSON
  // (json_array_elements) would need a cast per column. 1,000 rows (15,000 parameters) per statement,
  // below PostgreSQL's 65,535.
  postgres: async (db: Kysely<Database>, rows: readonly AuditRow[]) => {
    for (const chunk of chunks(rows, 1000)) {
      await db
        .insertInto('audit_trail')
        .values(
          chunk.map(
            (row) => Object.fromEntries(COLUMNS.map((name, i) => [name, row[i]])) as unknown as AuditTrailTable,
          ),
        )
        .execute();
    }
  },
} as const;
