import type { StoredEvent } from '../event-store/index.js';
import type { ExportManifest } from './export-manifest.js';

export const EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Turns the exported events into text, one piece at a time, so nothing holds more than one row. */
export interface ExportWriter {
  readonly contentType: string;
  readonly extension: ExportFormat;
  /** Text before the first row ('' for none). */
  header(): string;
  row(event: StoredEvent): string;
  /** Text after the last row ('' for none); the manifest is complete by then. */
  footer(manifest: ExportManifest): string;
}
