import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createTestDatabase, testPostgresUrl } from '../../test/support/postgres-test-database.js';
import { openPostgresDatabase } from './postgres/open-postgres-database.js';
import { openSqliteDatabase } from './sqlite/open-sqlite-database.js';

// Without a server the whole suite fails here, rather than skipping: see testPostgresUrl.
testPostgresUrl();

interface ColumnShape {
  name: string;
  /** integer, text, … : what the code may rely on, not each dialect's spelling of it. */
  family: string;
  nullable: boolean;
}

interface TableShape {
  columns: ColumnShape[];
  primaryKey: string[];
  /**
   * `unique (a, b)` for a UNIQUE constraint (SQLite does not keep its name), `[unique ]index name (a, b)`
   * for a CREATE INDEX. Primary keys are `primaryKey`: SQLite's integer primary key has no index at all.
   */
  indexes: string[];
}

type Schema = Map<string, TableShape>;

/** Kysely's own bookkeeping tables are its business, not the schema's. */
const isOurs = (table: string) => !table.startsWith('kysely_') && !table.startsWith('sqlite_');

function typeFamily(declared: string): string {
  const type = declared
    .toLowerCase()
    .replace(/\(.*\)/, '')
    .trim();
  if (/^(integer|int|int2|int4|int8|bigint|smallint)$/.test(type)) return 'integer';
  if (/^(text|varchar|character varying|char|character)$/.test(type)) return 'text';
  if (/^jsonb?$/.test(type)) return 'json';
  return type;
}

const describeIndex = (unique: boolean, name: string, columns: string[]) =>
  `${unique ? 'unique ' : ''}index ${name} (${columns.join(', ')})`;

async function sqliteSchema(path: string): Promise<Schema> {
  const { db, sqlite } = await openSqliteDatabase(path, 'normal');
  try {
    const schema: Schema = new Map();
    const tables = sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as {
      name: string;
    }[];
    for (const { name: table } of tables.filter((t) => isOurs(t.name))) {
      const info = sqlite.pragma(`table_info("${table}")`) as {
        name: string;
        type: string;
        notnull: number;
        pk: number;
      }[];
      const indexList = sqlite.pragma(`index_list("${table}")`) as { name: string; unique: number; origin: string }[];
      const indexes = indexList
        .filter((i) => i.origin !== 'pk')
        .map((i) => {
          const columns = (sqlite.pragma(`index_info("${i.name}")`) as { seqno: number; name: string }[])
            .sort((a, b) => a.seqno - b.seqno)
            .map((c) => c.name);
          return i.origin === 'u' ? `unique (${columns.join(', ')})` : describeIndex(i.unique === 1, i.name, columns);
        });
      schema.set(table, {
        // SQLite lets a non-integer primary key column hold NULL unless it says NOT NULL (a legacy quirk
        // the store never relies on); PostgreSQL's primary keys are always NOT NULL. Both count as not null.
        columns: info.map((c) => ({
          name: c.name,
          family: typeFamily(c.type),
          nullable: c.notnull === 0 && c.pk === 0,
        })),
        primaryKey: info
          .filter((c) => c.pk > 0)
          .sort((a, b) => a.pk - b.pk)
          .map((c) => c.name),
        indexes,
      });
    }
    return schema;
  } finally {
    await db.destroy();
  }
}

async function postgresSchema(url: string): Promise<Schema> {
  const { db } = await openPostgresDatabase(url, { maxConnections: 1 });
  try {
    const columns = await sql<{ table: string; name: string; type: string; nullable: string }>`
      SELECT table_name AS table, column_name AS name, data_type AS type, is_nullable AS nullable
      FROM information_schema.columns WHERE table_schema = current_schema()
      ORDER BY table_name, ordinal_position`.execute(db);
    const indexes = await sql<{
      table: string;
      name: string;
      unique: boolean;
      constraint: string | null;
      columns: string;
    }>`
      SELECT t.relname AS table, i.relname AS name, x.indisunique AS unique, con.contype AS constraint,
             (SELECT string_agg(a.attname, ',' ORDER BY k.ord)
                FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) AS columns
      FROM pg_index x
      JOIN pg_class i ON i.oid = x.indexrelid
      JOIN pg_class t ON t.oid = x.indrelid
      LEFT JOIN pg_constraint con ON con.conindid = x.indexrelid AND con.contype IN ('p', 'u')
      WHERE t.relnamespace = current_schema()::regnamespace
      ORDER BY t.relname, i.relname`.execute(db);
    const schema: Schema = new Map();
    for (const c of columns.rows.filter((r) => isOurs(r.table))) {
      const shape = schema.get(c.table) ?? { columns: [], primaryKey: [], indexes: [] };
      shape.columns.push({ name: c.name, family: typeFamily(c.type), nullable: c.nullable === 'YES' });
      schema.set(c.table, shape);
    }
    for (const i of indexes.rows.filter((r) => isOurs(r.table))) {
      const shape = schema.get(i.table);
      if (shape === undefined) continue;
      const indexColumns = i.columns.split(',');
      if (i.constraint === 'p') shape.primaryKey = indexColumns;
      else if (i.constraint === 'u') shape.indexes.push(`unique (${indexColumns.join(', ')})`);
      else shape.indexes.push(describeIndex(i.unique, i.name, indexColumns));
    }
    return schema;
  } finally {
    await db.destroy();
  }
}

/** Every way the two schemas differ, one sentence each, naming the table and what differs. */
function differences(sqlite: Schema, postgres: Schema): string[] {
  const found: string[] = [];
  const tables = [...new Set([...sqlite.keys(), ...postgres.keys()])].sort();
  for (const table of tables) {
    const s = sqlite.get(table);
    const p = postgres.get(table);
    if (s === undefined || p === undefined) {
      found.push(`table ${table} exists only on ${s === undefined ? 'postgres' : 'sqlite'}`);
      continue;
    }
    const columnNames = [...new Set([...s.columns, ...p.columns].map((c) => c.name))];
    for (const name of columnNames) {
      const sc = s.columns.find((c) => c.name === name);
      const pc = p.columns.find((c) => c.name === name);
      if (sc === undefined || pc === undefined) {
        found.push(`${table}.${name} exists only on ${sc === undefined ? 'postgres' : 'sqlite'}`);
        continue;
      }
      if (sc.family !== pc.family) found.push(`${table}.${name} is ${sc.family} on sqlite, ${pc.family} on postgres`);
      if (sc.nullable !== pc.nullable) {
        const nullability = (nullable: boolean) => (nullable ? 'nullable' : 'not null');
        found.push(
          `${table}.${name} is ${nullability(sc.nullable)} on sqlite, ${nullability(pc.nullable)} on postgres`,
        );
      }
    }
    if (s.primaryKey.join() !== p.primaryKey.join())
      found.push(
        `${table}'s primary key is (${s.primaryKey.join(', ')}) on sqlite, (${p.primaryKey.join(', ')}) on postgres`,
      );
    for (const index of s.indexes.filter((i) => !p.indexes.includes(i)))
      found.push(`${table} has ${index} only on sqlite`);
    for (const index of p.indexes.filter((i) => !s.indexes.includes(i)))
      found.push(`${table} has ${index} only on postgres`);
  }
  return found;
}

describe('the schema on SQLite and on PostgreSQL', () => {
  it('has the same tables, columns, nullability, type families, primary keys and indexes after migrating', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flagledger-parity-'));
    const database = await createTestDatabase();
    try {
      const sqlite = await sqliteSchema(join(dir, 'parity.db'));
      const postgres = await postgresSchema(database.url);
      // A vacuous pass (nothing introspected on either side) would prove nothing.
      expect([...sqlite.keys()]).toContain('events');
      expect(differences(sqlite, postgres)).toEqual([]);
    } finally {
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
