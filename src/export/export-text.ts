import type { StoredEvent } from '../event-store/index.js';
import type { ExportWriter } from './export-format.js';
import type { ExportManifestBuilder } from './export-manifest.js';

/**
 * The export's text, piece by piece, pulled at the consumer's pace. Stopping early (return()) closes
 * `events`, and with it the store's cursor.
 */
export async function* exportText(
  events: AsyncIterable<StoredEvent>,
  writer: ExportWriter,
  manifest: ExportManifestBuilder,
): AsyncGenerator<string> {
  const header = writer.header();
  if (header !== '') yield header;
  for await (const event of events) {
    manifest.add(event);
    yield writer.row(event);
  }
  const footer = writer.footer(manifest.build());
  if (footer !== '') yield footer;
}
