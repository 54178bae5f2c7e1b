import { Controller, Get, Inject, Query } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { RequireRole } from '../auth/index.js';
import { DATABASE, type Database } from '../database/index.js';
import { toEventFilter } from '../event-store/index.js';
import { toAuditEntry, type AuditEntry } from './audit-entry.mapper.js';
import { pageOf, type Page } from './audit-page.js';
import { AuditTimelineQuery, pageRequestOf } from './audit-timeline.query.dto.js';

/** The global timeline (docs/contract.md §4), read from the audit_trail projection, oldest first. */
@Controller('v1/audit')
export class AuditTimelineController {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  @Get()
  @RequireRole('viewer')
  async timeline(@Query() query: AuditTimelineQuery): Promise<Page<AuditEntry>> {
    const filter = toEventFilter(query);
    const { after, limit } = pageRequestOf(query);
    let select = this.db.selectFrom('audit_trail').selectAll().where('seq', '>', after);
    if (filter.streamId !== undefined) select = select.where('flag_key', '=', filter.streamId);
    if (filter.actor !== undefined) select = select.where('actor', '=', filter.actor);
    if (filter.types !== undefined && filter.types.length > 0) select = select.where('type', 'in', filter.types);
    if (filter.from !== undefined) select = select.where('at', '>=', filter.from);
    if (filter.to !== undefined) select = select.where('at', '<=', filter.to);
    const rows = await select
      .orderBy('seq')
      .limit(limit + 1)
      .execute();
    const page = pageOf(rows, limit);
    return { items: page.items.map(toAuditEntry), nextCursor: page.nextCursor };
  }
}
