import { Controller, Get, Inject, Query } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { ActsIn, RequireRole } from '../auth/index.js';
import { DATABASE, type Database } from '../database/index.js';
import { ENVIRONMENT_EVENT_TYPES, EnvironmentDirectory, isEnvironmentEventType } from '../environments/index.js';
import { EVENT_STORE, type EventStore } from '../event-store/index.js';
import { isFlagEventType } from '../flags/index.js';
import {
  environmentEventEntry,
  toAuditEntry,
  toEnvironmentAuditEntry,
  type AuditEntry,
  type EnvironmentAuditEntry,
} from './audit-entry.mapper.js';
import { toTimelineFilter, type TimelineFilter } from './audit-filter.query.dto.js';
import { pageOf, type Page } from './audit-page.js';
import { AuditTimelineQuery, pageRequestOf, type PageRequest } from './audit-timeline.query.dto.js';
import { inEnvironments, narrowed } from './audit-trail.reads.js';
import { environmentViewOf, type EnvironmentView } from './environment-view.js';

/** The global timeline (docs/contract.md §4), read from the audit_trail projection, oldest first. */
@Controller('v1/audit')
export class AuditTimelineController {
  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly environments: EnvironmentDirectory,
  ) {}

  @Get()
  @ActsIn.query('environment')
  @RequireRole('viewer')
  async timeline(@Query() query: AuditTimelineQuery): Promise<Page<AuditEntry> | Page<EnvironmentAuditEntry>> {
    const view = environmentViewOf(query.environment, this.environments);
    const filter = toTimelineFilter(query);
    const page = pageRequestOf(query);
    if (view !== undefined) return this.timelineIn(view, filter, page);
    const { after, limit } = page;
    const rows = await narrowed(this.db.selectFrom('audit_trail').selectAll().where('seq', '>', after), filter)
      .orderBy('seq')
      .limit(limit + 1)
      .execute();
    const { items, nextCursor } = pageOf(rows, limit);
    return { items: items.map(toAuditEntry), nextCursor };
  }

  /**
   * The environment view: flag events from audit_trail, labelled and narrowed to the view's environments,
   * and, for `*`, environment events from the log (they belong to no flag: never with `flag=`, and no
   * apply wrote them: never with `changeRequest=`). Each source
   * gives its first limit + 1 matches after the cursor, and the page is the first of them by seq. Both
   * reads stop at one head, read first: an event committed between them must not show up in the second
   * read beyond one the first could not yet see, which the next page's cursor would then skip.
   */
  private async timelineIn(
    view: EnvironmentView,
    filter: TimelineFilter,
    { after, limit }: PageRequest,
  ): Promise<Page<EnvironmentAuditEntry>> {
    const flagTypes = filter.types?.filter(isFlagEventType);
    const environmentTypes = filter.types?.filter(isEnvironmentEventType) ?? ENVIRONMENT_EVENT_TYPES;
    const readFlags = flagTypes === undefined || flagTypes.length > 0;
    const readEnvironments =
      view.keys === null &&
      filter.streamId === undefined &&
      filter.changeRequest === undefined &&
      environmentTypes.length > 0;
    const untilSeq = readFlags && readEnvironments ? (await this.store.head()).seq : undefined;

    const entries: EnvironmentAuditEntry[] = [];
    if (readFlags) {
      let select = this.db.selectFrom('audit_trail').selectAll().where('seq', '>', after);
      if (untilSeq !== undefined) select = select.where('seq', '<=', untilSeq);
      const rows = await inEnvironments(narrowed(select, { ...filter, types: flagTypes }), view)
        .orderBy('seq')
        .limit(limit + 1)
        .execute();
      for (const row of rows) entries.push(toEnvironmentAuditEntry(row, view));
    }
    if (readEnvironments) {
      const events = this.store.iterate({
        ...filter,
        types: environmentTypes,
        afterSeq: after,
        ...(untilSeq !== undefined ? { untilSeq } : {}),
      });
      let taken = 0;
      // Leaving the loop closes the store's cursor.
      for await (const event of events) {
        entries.push(environmentEventEntry(event));
        if (++taken > limit) break;
      }
      entries.sort((a, b) => a.seq - b.seq);
    }
    return pageOf(entries, limit);
  }
}
