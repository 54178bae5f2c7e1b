import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { ActsIn, RequireRole } from '../auth/index.js';
import { DATABASE, type Database } from '../database/index.js';
import { EnvironmentDirectory } from '../environments/index.js';
import { FlagNotFoundError } from '../flags/index.js';
import {
  toAuditEntry,
  toEnvironmentAuditEntry,
  type AuditEntry,
  type EnvironmentAuditEntry,
} from './audit-entry.mapper.js';
import { inEnvironments } from './audit-trail.reads.js';
import { environmentViewOfParameter } from './environment-view.js';

@Controller('v1/flags')
export class HistoryController {
  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    private readonly environments: EnvironmentDirectory,
  ) {}

  /**
   * The flag's audit trail, oldest first. `environment=` (docs/contract.md §7) labels each entry and keeps
   * only those of the named environments (`*`: all); without it the answer is v1's. Only that parameter is
   * read: the route has ignored any other since v1.
   */
  @Get(':key/history')
  @ActsIn.query('environment')
  @RequireRole('viewer')
  async history(
    @Param('key') key: string,
    @Query('environment') environment: unknown,
  ): Promise<{ flag: string; entries: AuditEntry[] | EnvironmentAuditEntry[] }> {
    const view = environmentViewOfParameter(environment, this.environments);
    const all = this.db.selectFrom('audit_trail').selectAll().where('flag_key', '=', key);
    if (view === undefined) {
      const rows = await all.orderBy('seq').execute();
      if (rows.length === 0) throw new FlagNotFoundError(key);
      return { flag: key, entries: rows.map(toAuditEntry) };
    }
    const rows = await inEnvironments(all, view).orderBy('seq').execute();
    // A flag with nothing in the environments asked for still exists: an empty history, not a 404.
    if (rows.length === 0 && !(await this.exists(key))) throw new FlagNotFoundError(key);
    return { flag: key, entries: rows.map((row) => toEnvironmentAuditEntry(row, view)) };
  }

  private async exists(key: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('audit_trail')
      .select('seq')
      .where('flag_key', '=', key)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }
}
