import { sql, type Kysely } from 'kysely';
import type { Database } from '../database/index.js';
import { RenamedTablesPlugin } from './renamed-tables.plugin.js';
import type { ScratchTables } from './scratch-tables.js';

/**
 * Copies sit in the main file beside the live tables, since a table can only be renamed within its own
 * database file: an attached scratch file would leave the swap a row-by-row copy into the live tables
 * and their indexes, the largest part of a rebuild.
 */
const PREFIX = 'flagledger_rebuild_';

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * SQLite: each copy is created from its live table's DDL as SQLite stored it (with its primary key, which
 * the projections' upserts need, and without its secondary indexes, which would cost a B-tree insert per
 * row and index). The swap drops each live table, renames its copy into its place (SQLite rewrites the
 * stored DDL, so it reads exactly as before) and builds the live table's indexes from their own stored
 * DDL, once over sorted keys. All of it is in the swap's transaction: a crash leaves the old tables or
 * the new ones, never a mix, and at worst copies the next rebuild or start removes. Appends need no
 * exclusion of their own: they go through the same single writer connection.
 */
export async function sqliteScratchTables(db: Kysely<Database>, tables: readonly string[]): Promise<ScratchTables> {
  const names = new Map(tables.map((table) => [table, `${PREFIX}${table}`]));
  await db.transaction().execute(async (trx) => {
    await dropSqliteScratchLeftovers(trx);
    for (const [table, copy] of names) {
      const { rows } = await sql<{
        sql: string;
      }>`SELECT sql FROM main.sqlite_master WHERE type = 'table' AND name = ${table}`.execute(trx);
      const ddl = rows[0]?.sql;
      if (ddl === undefined) throw new Error(`projection table ${table} does not exist`);
      const renamed = ddl.replace(/^create table\s+("?)[A-Za-z_][A-Za-z0-9_]*\1/i, `CREATE TABLE ${quoted(copy)}`);
      if (renamed === ddl) throw new Error(`cannot read the name in the DDL of ${table}: ${ddl}`);
      await sql.raw(renamed).execute(trx);
    }
  });
  const plugin = new RenamedTablesPlugin(names);
  return {
    target: (trx) => trx.withPlugin(plugin),
    swapIn: async (trx) => {
      for (const [table, copy] of names) {
        // Secondary indexes only: those of the primary key and unique constraints (sql NULL) come with the table.
        const { rows: indexes } = await sql<{ sql: string }>`
          SELECT sql FROM main.sqlite_master
          WHERE type = 'index' AND tbl_name = ${table} AND sql IS NOT NULL ORDER BY rowid`.execute(trx);
        await sql.raw(`DROP TABLE main.${quoted(table)}`).execute(trx);
        await sql.raw(`ALTER TABLE main.${quoted(copy)} RENAME TO ${quoted(table)}`).execute(trx);
        for (const index of indexes) await sql.raw(index.sql).execute(trx);
      }
    },
    drop: () => dropSqliteScratchLeftovers(db),
  };
}

/** Drops every copy a rebuild left in the file: after a crash, or when a failed rebuild could not clean up. */
export async function dropSqliteScratchLeftovers(db: Kysely<Database>): Promise<void> {
  const { rows } = await sql<{ name: string }>`
    SELECT name FROM main.sqlite_master WHERE type = 'table' AND substr(name, 1, ${PREFIX.length}) = ${PREFIX}`.execute(
    db,
  );
  for (const { name } of rows) await sql.raw(`DROP TABLE main.${quoted(name)}`).execute(db);
}
