import { Controller, Get, Inject, Logger, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Kysely } from 'kysely';
import { RequireRole } from '../auth/require-role.decorator.js';
import { DATABASE, type Database } from '../database/database.js';
import { EVENT_STORE, type EventFilter, type EventStore } from '../event-store/event-store.js';
import { toEventFilter } from '../history/audit-filter.query.dto.js';
import { CLOCK, type Clock } from '../shared/clock.js';
import { CsvWriter } from './csv-writer.js';
import type { ExportWriter } from './export-format.js';
import { ExportManifestBuilder } from './export-manifest.js';
import { exportText } from './export-text.js';
import { ExportQuery } from './export.query.dto.js';
import { latestSignedCheckpoint } from './latest-signed-checkpoint.js';
import { NdjsonWriter } from './ndjson-writer.js';
import { writeWithBackpressure } from './write-with-backpressure.js';

/** GET /v1/export (SPEC §4): the timeline with seq, prevHash and hash, streamed as NDJSON or CSV. */
@Controller('v1/export')
export class ExportController {
  private readonly logger = new Logger('Export');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @RequireRole('viewer')
  async export(@Query() query: ExportQuery, @Res() res: Response): Promise<void> {
    const started = performance.now();
    const writer: ExportWriter = query.format === 'csv' ? new CsvWriter() : new NdjsonWriter();
    const generatedAt = this.clock.now();
    // The head is read before the cursor opens and caps the rows, so commands appended meanwhile neither
    // show up nor leave the manifest describing something other than what was streamed.
    const head = await this.store.head();
    const checkpoint = await latestSignedCheckpoint(this.db, head.seq);
    const filter: EventFilter = { ...toEventFilter(query), untilSeq: head.seq };
    const manifest = new ExportManifestBuilder(head, filter, generatedAt.toISOString(), checkpoint);
    const headers: Record<string, string> = {
      'Content-Type': writer.contentType,
      'Content-Disposition': `attachment; filename="flagledger-export-${compactUtc(generatedAt)}.${writer.extension}"`,
      'Cache-Control': 'no-store',
      'Flagledger-Head-Seq': String(head.seq),
      'Flagledger-Head-Hash': head.hash,
    };
    res.status(200).set(headers);
    try {
      const outcome = await writeWithBackpressure(res, exportText(this.store.iterate(filter), writer, manifest));
      const { count, filters } = manifest.build();
      this.logger.log({ msg: 'export', format: writer.extension, filters, rows: count, headSeq: head.seq, outcome, durationMs: Math.round(performance.now() - started) });
    } catch (error) {
      // Nothing sent yet: the exception filter can still answer with problem+json.
      if (!res.headersSent) {
        for (const name of Object.keys(headers)) res.removeHeader(name);
        throw error;
      }
      // Too late for a status: cut the connection so the client sees a truncated transfer, never a
      // short file that looks complete (the exception filter would end() the response cleanly).
      this.logger.error({ msg: 'export failed after streaming started', error: error instanceof Error ? error.message : String(error) });
      res.destroy();
    }
  }
}

/** 2026-11-25T12:00:00.000Z → 20261125T120000Z: sortable, and no ':' for file systems that refuse it. */
function compactUtc(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
