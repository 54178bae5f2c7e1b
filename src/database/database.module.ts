import { Global, Inject, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { DatabaseConfig } from '../config/index.js';
import { DATABASE, POSTGRES_URL, SQLITE_READER_FACTORY, type Database } from './database.js';
import { rewritableAppendOnlyTables } from './postgres/app-role-grants.js';
import { openPostgresDatabase } from './postgres/open-postgres-database.js';
import { postgresStoreProbe } from './postgres/postgres-store-probe.js';
import { openSqliteDatabase, type SqliteSync } from './sqlite/open-sqlite-database.js';
import { sqliteStoreProbe } from './sqlite/sqlite-store-probe.js';
import { DB_TIMEOUT_MS, DEFAULT_DB_TIMEOUT_MS, STORE_PROBE } from './store-probe.js';

/** Said once at start, so an operator running as the tables' owner learns what the README's setup avoids. */
async function warnIfHistoryRewritable(db: Kysely<Database>): Promise<Kysely<Database>> {
  const tables = await rewritableAppendOnlyTables(db);
  if (tables.length > 0) {
    new Logger('Database').warn({
      msg: 'this database role owns or may UPDATE/DELETE/TRUNCATE the append-only tables: only their triggers guard the history. Run instances as a role set up with `npm run cli -- postgres-setup --app-role <role>` (README: least privilege)',
      tables,
    });
  }
  return db;
}

/**
 * The connection, opened once per app from the configuration (AppModule.forRoot). Global like CoreModule,
 * for the same reason: it is built from values only the root knows, so feature modules cannot import it.
 */
@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  /** `timeoutMs`: FLAGLEDGER_DB_TIMEOUT_MS, the longest anything waits on the database before giving up. */
  static forConfig(database: DatabaseConfig, timeoutMs = DEFAULT_DB_TIMEOUT_MS): DynamicModule {
    return database.kind === 'sqlite'
      ? DatabaseModule.forSqlite(database.path, database.sync, timeoutMs)
      : DatabaseModule.forPostgres(database.url, timeoutMs);
  }

  static forSqlite(path: string, sync: SqliteSync, timeoutMs = DEFAULT_DB_TIMEOUT_MS): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: DATABASE, useFactory: async () => (await openSqliteDatabase(path, sync, timeoutMs)).db },
        { provide: DB_TIMEOUT_MS, useValue: timeoutMs },
        {
          provide: SQLITE_READER_FACTORY,
          useValue: () => new BetterSqlite3(path, { readonly: true, fileMustExist: true }),
        },
        { provide: STORE_PROBE, inject: [DATABASE], useFactory: (db: Kysely<Database>) => sqliteStoreProbe(path, db) },
      ],
      exports: [DATABASE, SQLITE_READER_FACTORY, STORE_PROBE, DB_TIMEOUT_MS],
    };
  }

  /** A pool on the PostgreSQL database, migrated at start (several instances may start at once). */
  static forPostgres(url: string, timeoutMs = DEFAULT_DB_TIMEOUT_MS): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DATABASE,
          useFactory: async () => warnIfHistoryRewritable((await openPostgresDatabase(url, { timeoutMs })).db),
        },
        { provide: POSTGRES_URL, useValue: url },
        { provide: DB_TIMEOUT_MS, useValue: timeoutMs },
        {
          provide: STORE_PROBE,
          inject: [DATABASE],
          useFactory: (db: Kysely<Database>) => postgresStoreProbe(db, timeoutMs),
        },
      ],
      exports: [DATABASE, POSTGRES_URL, STORE_PROBE, DB_TIMEOUT_MS],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.db.destroy();
  }
}
