import { dialectSql, type HasExecutor } from './dialect.js';
import { postgresSchemaDialect } from './postgres/postgres-schema-dialect.js';
import type { SchemaDialect } from './schema-dialect.js';
import { sqliteSchemaDialect } from './sqlite/sqlite-schema-dialect.js';

/** What the migrations say differently on `db`'s dialect: the per-dialect table behind every migration. */
export function schemaDialectOf(db: HasExecutor): SchemaDialect {
  return dialectSql(db, { sqlite: sqliteSchemaDialect, postgres: postgresSchemaDialect });
}
