import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../database/index.js';
import type { ScratchTables } from './scratch-tables.js';

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * PostgreSQL: a schema of unlogged copies (nothing to recover after a crash: the rebuild starts over),
 * named per rebuild so instances rebuilding at once never share one. Live tables are the ones the
 * connection's search_path finds, as every other statement names them. The swap copies the rows over
 * the live tables rather than renaming the copies in: the app role owns neither the live tables nor
 * their indexes (see app-role-grants.ts), so it may not drop or rename them.
 */
export async function postgresScratchTables(db: Kysely<Database>, tables: readonly string[]): Promise<ScratchTables> {
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
    target: (trx) => trx.withSchema(schema),
    swapIn: async (trx) => {
      for (const table of tables) {
        await sql.raw(`DELETE FROM ${quoted(table)}`).execute(trx);
        await sql.raw(`INSERT INTO ${quoted(table)} SELECT * FROM ${quoted(schema)}.${quoted(table)}`).execute(trx);
      }
    },
    drop,
  };
}
