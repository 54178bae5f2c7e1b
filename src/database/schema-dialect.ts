import type { ColumnDataType, Expression, Kysely, RawBuilder } from 'kysely';

/** A column type as Kysely's schema builder takes it: a keyword, or SQL such as `text COLLATE "C"`. */
export type ColumnType = ColumnDataType | Expression<unknown>;

/**
 * What the migrations say differently on SQLite and on PostgreSQL, and nothing else: each migration is
 * written once against this, so the two schemas cannot drift apart table by table. Only what the two
 * dialects cannot say alike belongs here; a column that reads the same on both keeps its plain type.
 */
export interface SchemaDialect {
  /** 64-bit integers: log positions (seq) and counters. */
  readonly bigint: ColumnType;
  /** Text compared byte by byte, whatever locale the database was created with. */
  readonly text: ColumnType;
  /** A column default: the current time as ISO-8601 UTC with milliseconds, `2026-11-25T12:00:00.000Z`. */
  readonly nowIso: RawBuilder<unknown>;
  /** A top-level field of a JSON text column, as text (NULL when absent): for migrations that backfill from `events.data`. */
  jsonField(column: string, field: string): RawBuilder<string | null>;
  /** What every append-only guard needs, created once before the first (`refuseChanges`). */
  installAppendOnlyGuard(db: Kysely<unknown>): Promise<void>;
  /**
   * Makes `table` append-only: UPDATE and DELETE (and TRUNCATE, where there is one) are refused with
   * "<noun> are append-only: <operation> refused".
   */
  refuseChanges(db: Kysely<unknown>, table: string, noun: string): Promise<void>;
}

/**
 * Guard DDL is built as raw SQL (trigger bodies cannot take parameters), so only plain lower-case names
 * and nouns are let through: these come from the migrations, never from input.
 */
export function assertPlainName(name: string): string {
  if (!/^[a-z_][a-z_ ]*$/.test(name)) throw new Error(`not a plain table name or noun: '${name}'`);
  return name;
}
