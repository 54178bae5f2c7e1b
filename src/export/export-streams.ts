import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { DATABASE, type Database } from '../database/index.js';
import { toEventFilter, type EventFilter, EVENT_STORE, type ChainHead, type EventStore } from '../event-store/index.js';
import { latestSignedCheckpoint } from '../integrity/index.js';
import { CLOCK, type Clock } from '../shared/index.js';
import { CsvWriter } from './csv-writer.js';
import type { ExportWriter } from './export-format.js';
import { ExportManifestBuilder } from './export-manifest.js';
import { exportText } from './export-text.js';
import type { ExportQuery } from './export.query.dto.js';
import { NdjsonWriter } from './ndjson-writer.js';

/** One export, ready to be written to a response or a file. */
export interface OpenedExport {
  writer: ExportWriter;
  head: ChainHead;
  manifest: ExportManifestBuilder;
  filename: string;
  /** Nothing is read until this is iterated; iterating to the end (or return()) releases the cursor. */
  text: AsyncIterable<string>;
}

/** Composes an export from a query; the HTTP route and the CLI both write what this opens. */
@Injectable()
export class ExportStreams {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async open(query: ExportQuery): Promise<OpenedExport> {
    const writer: ExportWriter = query.format === 'csv' ? new CsvWriter() : new NdjsonWriter();
    const generatedAt = this.clock.now();
    // The head is read before the cursor opens and caps the rows, so commands appended meanwhile neither
    // show up nor leave the manifest describing something other than what was streamed.
    const head = await this.store.head();
    const checkpoint = await latestSignedCheckpoint(this.db, head.seq);
    const filter: EventFilter = { ...toEventFilter(query), untilSeq: head.seq };
    const manifest = new ExportManifestBuilder(head, filter, generatedAt.toISOString(), checkpoint);
    const filename = `flagledger-export-${compactUtc(generatedAt)}.${writer.extension}`;
    return { writer, head, manifest, filename, text: exportText(this.store.iterate(filter), writer, manifest) };
  }
}

/** 2026-11-25T12:00:00.000Z → 20261125T120000Z: sortable, and no ':' for file systems that refuse it. */
function compactUtc(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
