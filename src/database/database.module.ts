import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { DATABASE, SQLITE_READER_FACTORY, type Database } from './database.js';
import { openSqliteDatabase, type SqliteSync } from './open-sqlite-database.js';

@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  static forSqlite(path: string, sync: SqliteSync): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: DATABASE, useFactory: async () => (await openSqliteDatabase(path, sync)).db },
        { provide: SQLITE_READER_FACTORY, useValue: () => new BetterSqlite3(path, { readonly: true, fileMustExist: true }) },
      ],
      exports: [DATABASE, SQLITE_READER_FACTORY],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.db.destroy();
  }
}
