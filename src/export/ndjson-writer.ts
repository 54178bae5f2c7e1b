import { unhashedEnvelope, type StoredEvent } from '../event-store/index.js';
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
    return `${JSON.stringify(envelopeOf(event))}\n`;
  }

  footer(manifest: ExportManifest): string {
    return `${JSON.stringify({ manifest })}\n`;
  }
}

/**
 * NDJSON of the environment view (`environment=`): each row is the stored envelope with `environment` beside
 * it, after `hash`. It is no field of the envelope, so it is outside the hash: eventHash() and the offline
 * verifier read the envelope's fields by name and pass over it.
 */
export class EnvironmentNdjsonWriter extends NdjsonWriter {
  constructor(private readonly environmentOf: (event: StoredEvent) => string | null) {
    super();
  }

  override row(event: StoredEvent): string {
    return `${JSON.stringify({ ...envelopeOf(event), environment: this.environmentOf(event) })}\n`;
  }
}

/** The stored envelope as a row: its fields in the contract's order, the hash last (unhashedEnvelope). */
function envelopeOf(event: StoredEvent): StoredEvent {
  return { ...unhashedEnvelope(event), hash: event.hash };
}
