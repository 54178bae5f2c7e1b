import { Controller, Get, Logger, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ActsIn, RequireRole } from '../auth/index.js';
import { ExportStreams } from './export-streams.js';
import { ExportQuery } from './export.query.dto.js';
import { writeWithBackpressure } from './write-with-backpressure.js';

/** GET /v1/export (docs/contract.md §4): the timeline with seq, prevHash and hash, streamed as NDJSON or CSV. */
@Controller('v1/export')
export class ExportController {
  private readonly logger = new Logger('Export');

  constructor(private readonly exports: ExportStreams) {}

  @Get()
  @ActsIn.query('environment')
  @RequireRole('viewer')
  async export(@Query() query: ExportQuery, @Res() res: Response): Promise<void> {
    const started = performance.now();
    const { writer, head, manifest, filename, text } = await this.exports.open(query);
    const headers: Record<string, string> = {
      'Content-Type': writer.contentType,
      'Content-Disposition': `attachment; filename="${filename}"`,
      'Cache-Control': 'no-store',
      'Flagledger-Head-Seq': String(head.seq),
      'Flagledger-Head-Hash': head.hash,
    };
    res.status(200).set(headers);
    try {
      const outcome = await writeWithBackpressure(res, text);
      const { count, filters } = manifest.build();
      this.logger.log({
        msg: 'export',
        format: writer.extension,
        filters,
        rows: count,
        headSeq: head.seq,
        outcome,
        durationMs: Math.round(performance.now() - started),
      });
    } catch (error) {
      // Nothing sent yet: the exception filter can still answer with problem+json.
      if (!res.headersSent) {
        for (const name of Object.keys(headers)) res.removeHeader(name);
        throw error;
      }
      // Too late for a status: cut the connection so the client sees a truncated transfer, never a
      // short file that looks complete (the exception filter would end() the response cleanly).
      this.logger.error({
        msg: 'export failed after streaming started',
        error: error instanceof Error ? error.message : String(error),
      });
      res.destroy();
    }
  }
}
