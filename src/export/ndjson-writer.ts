import type { StoredEvent } from '../event-store/index.js';
import type { ExportWriter } from './export-format.js';
import type { ExportManifest } from './export-manifest.js';

/**
 * One JSON object per line: the full stored envelope, so an offline verifier can recompute every hash
 * with eventHash(); then one `{"manifest": …}` line that says what the rows should add up to.
 */
export class NdjsonWriter implements ExportWriter {
  readonly contentType = 'application/x-ndjson';
  readonly extension = 'ndjson';

  header(): string {
    return '';
  }

  row(event: StoredEvent): string {
    const { seq, streamId, version, type, schemaVersion, data, actor, reason, at, idempotencyKey, prevHash, hash } =
      event;
    return `${JSON.stringify({ seq, streamId, version, type, schemaVersion, data, actor, reason, at, idempotencyKey, prevHash, hash })}\n`;
  }

  footer(manifest: ExportManifest): string {
    return `${JSON.stringify({ manifest })}\n`;
  }
}
