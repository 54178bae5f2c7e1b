import type { StoredEvent } from '../event-store/index.js';
import { canonicalJson } from '../shared/index.js';
import type { ExportWriter } from './export-format.js';

export const CSV_COLUMNS = [
  'seq',
  'streamId',
  'version',
  'type',
  'actor',
  'at',
  'reason',
  'data',
  'prevHash',
  'hash',
] as const;

/** A spreadsheet treats a cell starting with one of these as a formula (OWASP "CSV Injection"). */
const FORMULA_TRIGGER = /^[=+\-@\t\r]/;
/** RFC 4180: a field holding a comma, a quote, CR or LF must be quoted. */
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * RFC 4180 CSV (header row, CRLF line ends) for spreadsheets and BI tools. `data` is the canonical JSON
 * text of the event's data; `reason` null is an empty field. Text that a spreadsheet would run as a
 * formula gets a leading `'`, so the file is safe to open but no longer byte-exact: NDJSON is the format
 * to verify hashes from.
 */
export class CsvWriter implements ExportWriter {
  readonly contentType = 'text/csv; charset=utf-8';
  readonly extension = 'csv';

  header(): string {
    return csvLine(CSV_COLUMNS);
  }

  row(event: StoredEvent): string {
    return csvLine(csvValues(event));
  }

  footer(): string {
    return '';
  }
}

/** The environment view's columns (docs/contract.md §7): the v1 columns, then `environment`. */
export const ENVIRONMENT_CSV_COLUMNS = [...CSV_COLUMNS, 'environment'] as const;

/**
 * CSV of the environment view (`environment=`): every v1 column in its place, and `environment` last, so
 * whatever reads the v1 columns by position reads them still. Empty for definition and environment events.
 */
export class EnvironmentCsvWriter extends CsvWriter {
  constructor(private readonly environmentOf: (event: StoredEvent) => string | null) {
    super();
  }

  override header(): string {
    return csvLine(ENVIRONMENT_CSV_COLUMNS);
  }

  override row(event: StoredEvent): string {
    return csvLine([...csvValues(event), this.environmentOf(event)]);
  }
}

function csvValues(event: StoredEvent): (string | number | null)[] {
  return [
    event.seq,
    event.streamId,
    event.version,
    event.type,
    event.actor,
    event.at,
    event.reason,
    canonicalJson(event.data),
    event.prevHash,
    event.hash,
  ];
}

export function csvLine(values: readonly (string | number | null)[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/** One field: numbers as they are, null as empty, text neutralised then quoted when it must be. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = FORMULA_TRIGGER.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
