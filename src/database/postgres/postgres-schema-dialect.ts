import { sql, type Kysely } from 'kysely';
import { assertPlainName, type SchemaDialect } from '../schema-dialect.js';

/**
 * PostgreSQL's integer is 32-bit, so seq and counters are bigint (read back as numbers by the pool's
 * type parser). Text is COLLATE "C", compared byte by byte as SQLite compares it: ISO times, flag keys and
 * cursors sort the same whatever locale the database was created with (a libc or ICU collation would
 * not promise that). JSON stays text, stored exactly as SQLite stores it, so hashes match on both.
 */
export const postgresSchemaDialect: SchemaDialect = {
  bigint: 'bigint',
  text: sql`text COLLATE "C"`,
  // The same ISO form as SQLite's strftime('%Y-%m-%dT%H:%M:%fZ','now').
  nowIso: sql`to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
  // JSON is kept as text (see 0001), so it is parsed here.
  jsonField: (column: string, field: string) => sql<string | null>`(${sql.ref(column)}::jsonb ->> ${field}::text)`,
  // One function for every append-only table. Its body is kept verbatim: PostgreSQL stores it as written.
  installAppendOnlyGuard: async (db: Kysely<unknown>) => {
    await sql`CREATE FUNCTION flagledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% are append-only: % refused', TG_ARGV[0], TG_OP;
      END
      $$`.execute(db);
  },
  // Statement-level, so even an UPDATE or DELETE that matches no row is refused, and TRUNCATE (which
  // row triggers never see) too.
  refuseChanges: async (db: Kysely<unknown>, table: string, noun: string) => {
    await sql
      .raw(
        `CREATE TRIGGER ${assertPlainName(table)}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ${table}
      FOR EACH STATEMENT EXECUTE FUNCTION flagledger_refuse_change('${assertPlainName(noun)}')`,
      )
      .execute(db);
  },
};
