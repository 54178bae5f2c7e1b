import { Controller, Get, Inject, Param } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { RequireRole } from '../auth/index.js';
import { DATABASE, type Database } from '../database/index.js';
import { FlagNotFoundError } from '../flags/index.js';
import { toAuditEntry, type AuditEntry } from './audit-entry.mapper.js';

@Controller('v1/flags')
export class HistoryController {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  /** The flag's audit trail, oldest first. */
  @Get(':key/history')
  @RequireRole('viewer')
  async history(@Param('key') key: string): Promise<{ flag: string; entries: AuditEntry[] }> {
    const rows = await this.db
      .selectFrom('audit_trail')
      .selectAll()
      .where('flag_key', '=', key)
      .orderBy('seq')
      .execute();
    if (rows.length === 0) throw new FlagNotFoundError(key);
    return { flag: key, entries: rows.map(toAuditEntry) };
  }
}
