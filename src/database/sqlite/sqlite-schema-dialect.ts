import { sql, type Kysely } from 'kysely';
import { assertPlainName, type SchemaDialect } from '../schema-dialect.js';

/**
 * SQLite's integer is already 64-bit, and `integer primary key` must stay spelled so: it is what makes
 * seq the rowid. Its text compares byte by byte by default. The append-only guard is a pair of row
 * triggers per table (SQLite has no TRUNCATE). The trigger SQL is laid out exactly as the first
 * migrations wrote it, since sqlite_master keeps the text verbatim and replay copies it.
 */
export const sqliteSchemaDialect: SchemaDialect = {
  bigint: 'integer',
  text: 'text',
  nowIso: sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`,
  jsonField: (column: string, field: string) => sql<string | null>`json_extract(${sql.ref(column)}, ${`$.${field}`})`,
  installAppendOnlyGuard: async () => {},
  refuseChanges: async (db: Kysely<unknown>, table: string, noun: string) => {
    for (const operation of ['UPDATE', 'DELETE'] as const) {
      await sql
        .raw(
          `CREATE TRIGGER ${assertPlainName(table)}_refuse_${operation.toLowerCase()} BEFORE ${operation} ON ${table}
      BEGIN SELECT RAISE(ABORT, '${assertPlainName(noun)} are append-only: ${operation} refused'); END`,
        )
        .execute(db);
    }
  },
};
