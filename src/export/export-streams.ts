import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { DATABASE, type Database } from '../database/index.js';
import { EnvironmentDirectory } from '../environments/index.js';
import {
  type EventFilter,
  EVENT_STORE,
  type ChainHead,
  type EventStore,
  type StoredEvent,
} from '../event-store/index.js';
import { FLAG_EVENT_TYPES_WITH_ENVIRONMENT } from '../flags/index.js';
import {
  changeRequestTraceOf,
  environmentOf,
  environmentViewOf,
  keeps,
  toTimelineFilter,
  type EnvironmentView,
} from '../history/index.js';
import { latestSignedCheckpoint } from '../integrity/index.js';
import { CLOCK, type Clock } from '../shared/index.js';
import { CsvWriter, EnvironmentCsvWriter } from './csv-writer.js';
import type { ExportFormat, ExportWriter } from './export-format.js';
import { ExportManifestBuilder } from './export-manifest.js';
import { exportText } from './export-text.js';
import type { ExportQuery } from './export.query.dto.js';
import { EnvironmentNdjsonWriter, NdjsonWriter } from './ndjson-writer.js';

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
    private readonly environments: EnvironmentDirectory,
  ) {}

  async open(query: ExportQuery): Promise<OpenedExport> {
    // Before anything is read: an unknown environment is a 404, never an empty attachment.
    const view = environmentViewOf(query.environment, this.environments);
    const writer = writerFor(query.format ?? 'ndjson', view);
    const generatedAt = this.clock.now();
    // The head is read before the cursor opens and caps the rows, so commands appended meanwhile neither
    // show up nor leave the manifest describing something other than what was streamed.
    const head = await this.store.head();
    const checkpoint = await latestSignedCheckpoint(this.db, head.seq);
    const { changeRequest, ...filter } = { ...toTimelineFilter(query), untilSeq: head.seq };
    const manifest = new ExportManifestBuilder(
      head,
      { ...filter, changeRequest },
      view,
      generatedAt.toISOString(),
      checkpoint,
    );
    const filename = `flagledger-export-${compactUtc(generatedAt)}.${writer.extension}`;
    const events = this.eventsOf(view, filter, changeRequest);
    return { writer, head, manifest, filename, text: exportText(events, writer, manifest) };
  }

  /**
   * The rows: the log's, narrowed by the store; in the environment view for named environments, only
   * events that act in one of them; with `changeRequest`, only the flag events its apply wrote. Those two
   * are picked here, as the rows stream past, rather than by the store: which environment an event acts
   * in (its data's, or the default one for events written before environments) is the flags' rule, not
   * the log's, and reading it or the change request inside SQL would need each dialect's JSON syntax for
   * what costs the same here (every row's data is parsed anyway). The store is still asked for the only
   * types that can act in an environment (an apply writes state changes, all of them such types), and
   * pulled at the consumer's pace as before.
   */
  private eventsOf(
    view: EnvironmentView | undefined,
    filter: EventFilter,
    changeRequest: string | undefined,
  ): AsyncIterable<StoredEvent> {
    const inNamedEnvironments = view !== undefined && view.keys !== null;
    if (!inNamedEnvironments && changeRequest === undefined) return this.store.iterate(filter);
    const asked = filter.types === undefined || filter.types.length === 0 ? undefined : new Set(filter.types);
    const types = FLAG_EVENT_TYPES_WITH_ENVIRONMENT.filter((type) => asked === undefined || asked.has(type));
    // No type asked for acts in an environment (an empty list would mean every type to the store).
    if (types.length === 0) return noEvents();
    const events = this.store.iterate({ ...filter, types });
    const traced = changeRequest === undefined ? events : appliedBy(changeRequest, events);
    return inNamedEnvironments ? keptBy(view, traced) : traced;
  }
}

function writerFor(format: ExportFormat, view: EnvironmentView | undefined): ExportWriter {
  if (view === undefined) return format === 'csv' ? new CsvWriter() : new NdjsonWriter();
  const label = (event: StoredEvent) => environmentOf(view, event.type, event.data);
  return format === 'csv' ? new EnvironmentCsvWriter(label) : new EnvironmentNdjsonWriter(label);
}

/** Closing this (return()) closes `events`, and with it the store's cursor, as exportText expects. */
async function* keptBy(view: EnvironmentView, events: AsyncIterable<StoredEvent>): AsyncGenerator<StoredEvent> {
  for await (const event of events) if (keeps(view, environmentOf(view, event.type, event.data))) yield event;
}

/** Only the flag events `changeRequest`'s apply wrote; closing this closes `events`, as for keptBy. */
async function* appliedBy(changeRequest: string, events: AsyncIterable<StoredEvent>): AsyncGenerator<StoredEvent> {
  for await (const event of events) if (changeRequestTraceOf(event.data)?.id === changeRequest) yield event;
}

/** An export with no rows: its header and its manifest only. */
async function* noEvents(): AsyncGenerator<StoredEvent> {
  yield* [];
}

/** 2026-11-25T12:00:00.000Z → 20261125T120000Z: sortable, and no ':' for file systems that refuse it. */
function compactUtc(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
