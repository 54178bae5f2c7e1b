/** The database connection (SQLite or PostgreSQL), its tables' types, migrations and dialect choices. */
export { DATABASE, POSTGRES_URL, SQLITE_READER_FACTORY, type Database } from './database.js';
export { DatabaseModule } from './database.module.js';
export { DB_TIMEOUT_MS, DEFAULT_DB_TIMEOUT_MS, STORE_PROBE, within, type StoreProbe } from './store-probe.js';
export { dialectOf, dialectSql, type Dialect } from './dialect.js';
export { transact } from './transact.js';
export { ENVIRONMENT_NOT_RECORDED } from './migrations/0004-telemetry-per-environment.js';
export { grantAppRole, type AppRoleGrants } from './postgres/app-role-grants.js';
export { openSqliteDatabase, type OpenedDatabase, type SqliteSync } from './sqlite/open-sqlite-database.js';
export { openPostgresDatabase, type OpenedPostgresDatabase } from './postgres/open-postgres-database.js';
