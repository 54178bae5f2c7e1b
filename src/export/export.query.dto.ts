import { IsIn, IsOptional } from 'class-validator';
import { AuditFilterQuery } from '../history/index.js';
import { EXPORT_FORMATS, type ExportFormat } from './export-format.js';

/** GET /v1/export: the timeline's filters (same rows for the same query string) plus the format. */
export class ExportQuery extends AuditFilterQuery {
  /** Default ndjson: the format an offline verifier can re-hash. */
  @IsOptional()
  @IsIn(EXPORT_FORMATS, { message: `must be one of ${EXPORT_FORMATS.join(', ')}` })
  format?: ExportFormat;
}
