/** GET /v1/export: the timeline streamed as NDJSON or CSV with a manifest. */
export { isCompleteExport, type ExportManifest } from './export-manifest.js';
export { ExportStreams } from './export-streams.js';
export { ExportModule } from './export.module.js';
export { ExportQuery } from './export.query.dto.js';
export { writeWithBackpressure, type TextSink } from './write-with-backpressure.js';
