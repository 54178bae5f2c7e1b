import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DatabaseConfig } from '../config/app-config.js';
import type { Database } from '../database/database.js';

/**
 * Empty copies of projection tables in a schema of their own, which a rebuild replays into (through
 * `withSchema`) while the live tables go on serving, then copies over the live ones. What differs per
 * database is only how the copies are made, how the swap keeps appends out, and how they go away.
 */
export interface ScratchTables {
  /** The schema the copies live in: what the projections are pointed at with `withSchema`. */
  readonly schema: string;
  /** The live table, qualified so that the copy of the same name never shadows it. */
  live(table: string): RawBuilder<unknown>;
  /** The copy of `table`. */
  copy(table: string): RawBuilder<unknown>;
  drop(): Promise<void>;
}

export function createScratchTables(
  db: Kysely<Database>,
  database: DatabaseConfig,
  tables: readonly string[],
): Promise<ScratchTables> {
  return database.kind === 'sqlite' ? sqliteScratch(db, database.path, tables) : postgresScratch(db, tables);
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * SQLite: an attached scratch file, its tables from the live ones' DDL as SQLite stored it (without their
 * secondary indexes). Appends need no exclusion: they go through the same single writer connection, so
 * the swap's transaction already has the database to itself.
 */
async function sqliteScratch(db: Kysely<Database>, dbPath: string, tables: readonly string[]): Promise<ScratchTables> {
  const schema = 'rebuild';
  const file = `${dbPath}.rebuild-${process.pid}-${Date.now()}`;
  const drop = async () => {
    await sql`DETACH DATABASE ${sql.raw(schema)}`.execute(db).catch(() => undefined);
    for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  };
  try {
    await sql`ATTACH DATABASE ${file} AS ${sql.raw(schema)}`.execute(db);
    // The scratch copy only has to survive until the swap; the swap itself is durable in the main file.
    await sql.raw(`PRAGMA ${schema}.synchronous = OFF`).execute(db);
    await sql.raw(`PRAGMA ${schema}.journal_mode = OFF`).execute(db);
    for (const table of tables) {
      const row = await sql<{
        sql: string;
      }>`SELECT sql FROM main.sqlite_master WHERE type = 'table' AND name = ${table}`.execute(db);
      const ddl = row.rows[0]?.sql;
      if (ddl === undefined) throw new Error(`projection table ${table} does not exist`);
      await sql
        .raw(ddl.replace(/^create table\s+("?)([A-Za-z_][A-Za-z0-9_]*)\1/i, `CREATE TABLE ${schema}."$2"`))
        .execute(db);
    }
  } catch (error) {
    await drop();
    throw error;
  }
  return {
    schema,
    live: (table) => sql.raw(`main.${quoted(table)}`),
    copy: (table) => sql.raw(`${schema}.${quoted(table)}`),
    drop,
  };
}

/**
 * PostgreSQL: a schema of unlogged copies (nothing to recover after a crash: the rebuild starts over),
 * named per rebuild so instances rebuilding at once never share one. Live tables are the ones the
 * connection's search_path finds, as every other statement names them. The swap takes the append lock.
 */
async function postgresScratch(db: Kysely<Database>, tables: readonly string[]): Promise<ScratchTables> {
  const schema = `flagledger_rebuild_${randomBytes(6).toString('hex')}`;
  const drop = async () => {
    await sql.raw(`DROP SCHEMA IF EXISTS ${quoted(schema)} CASCADE`).execute(db);
  };
  try {
    await sql.raw(`CREATE SCHEMA ${quoted(schema)}`).execute(db);
    // INCLUDING ALL: the primary keys and unique constraints the projections' upserts rely on.
    for (const table of tables)
      await sql
        .raw(`CREATE UNLOGGED TABLE ${quoted(schema)}.${quoted(table)} (LIKE ${quoted(table)} INCLUDING ALL)`)
        .execute(db);
  } catch (error) {
    await drop();
    throw error;
  }
  return {
    schema,
    live: (table) => sql.raw(quoted(table)),
    copy: (table) => sql.raw(`${quoted(schema)}.${quoted(table)}`),
    drop,
  };
}
