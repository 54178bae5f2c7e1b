import { useId, useState, type FormEvent } from 'react';
import { actorText } from '../actor-text';
import { ApiError, get } from '../api';
import { Field } from '../field';
import type { HistoryEntry } from '../history-diff';
import { hrefOf } from '../router';
import type { Environment } from '../types';
import { useLoad } from '../use-load';
import { ChainIntegrity } from './chain-integrity';

/**
 * What `type=` may name in the environment view (README "History, audit and export per environment"):
 * the flag events, then the environment events, which only that view shows.
 */
const EVENT_TYPES = [
  'FlagCreated',
  'FlagEnabled',
  'FlagDisabled',
  'FlagRolloutChanged',
  'FlagSegmentsChanged',
  'FlagKillSwitchEngaged',
  'FlagKillSwitchReleased',
  'FlagDetailsChanged',
  'FlagArchived',
  'FlagRestored',
  'FlagStateCopied',
  'EnvironmentCreated',
  'EnvironmentChanged',
] as const;

/** `limit` takes 1–1000 (src/history/audit-timeline.query.dto.ts); 100 is the API's own default. */
const PAGE_SIZES = [10, 50, 100, 500, 1000] as const;
const DEFAULT_PAGE_SIZE = 100;

/** Every value of `environment=`: the view's label on each entry is what an auditor reads first. */
const EVERY_ENVIRONMENT = '*';

/** An entry of the environment view: a history entry plus its flag (null for environment events) and stream. */
interface AuditEntry extends HistoryEntry {
  flag: string | null;
  streamId: string;
}

interface TimelinePage {
  items: AuditEntry[];
  nextCursor: number | null;
}

/** The form's values: datetime-local text for `from`/`to`, in the browser's time zone. */
interface Filters {
  flag: string;
  actor: string;
  types: string[];
  environment: string;
  from: string;
  to: string;
  pageSize: number;
}

const NO_FILTERS: Filters = {
  flag: '',
  actor: '',
  types: [],
  environment: EVERY_ENVIRONMENT,
  from: '',
  to: '',
  pageSize: DEFAULT_PAGE_SIZE,
};

/**
 * The filters as GET /v1/audit and GET /v1/export both read them, so an export holds exactly the entries
 * the page shows (without the paging, which the export does not take).
 */
function filterQuery(filters: Filters): URLSearchParams {
  const query = new URLSearchParams();
  if (filters.flag.trim() !== '') query.set('flag', filters.flag.trim());
  if (filters.actor.trim() !== '') query.set('actor', filters.actor.trim());
  for (const type of filters.types) query.append('type', type);
  query.set('environment', filters.environment);
  const from = instantOf(filters.from);
  const to = instantOf(filters.to);
  if (from !== undefined) query.set('from', from);
  if (to !== undefined) query.set('to', to);
  return query;
}

/** A datetime-local value (the browser's zone) as the ISO instant with a zone the API asks for. */
function instantOf(local: string): string | undefined {
  const time = new Date(local).getTime();
  return local === '' || Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

function timelineQuery(filters: Filters, after: number): string {
  const query = filterQuery(filters);
  if (after > 0) query.set('after', String(after));
  query.set('limit', String(filters.pageSize));
  return query.toString();
}

/** The log's time to the second, in UTC (entries a second apart must read apart), wrapping between date and time. */
function SecondTime(props: { iso: string }) {
  return (
    <time dateTime={props.iso}>
      <span>{props.iso.slice(0, 10)}</span> <span>{props.iso.slice(11, 19)} UTC</span>
    </time>
  );
}

/** A from/to value on one line: objects as `field: value` pairs, the shape every event's change has. */
function valueText(value: unknown, nested = false): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `[${value.map((v) => valueText(v, true)).join(', ')}]`;
  const fields = Object.entries(value as Record<string, unknown>)
    .map(([field, v]) => `${field}: ${valueText(v, true)}`)
    .join(', ');
  return nested ? `{${fields}}` : fields;
}

/** Where an entry acted: definition events apply in every environment, environment events in none. */
function environmentText(entry: AuditEntry): string {
  if (entry.environment !== null) return entry.environment;
  return entry.flag === null ? '—' : '(definition)';
}

/** docs/contract.md §4 and §7: the global timeline, filtered, paged by cursor, exported, and verified. */
export function Audit() {
  const [environments] = useLoad(() => get<{ environments: Environment[] }>('/v1/environments'), 'environments');
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [applied, setApplied] = useState<Filters>(NO_FILTERS);
  /** The `after` of every page visited so far: the last is the page shown, popping one goes back. */
  const [cursors, setCursors] = useState<number[]>([0]);
  const after = cursors[cursors.length - 1] ?? 0;
  const query = timelineQuery(applied, after);
  const [loaded] = useLoad(async () => ({ query, page: await get<TimelinePage>(`/v1/audit?${query}`) }), query);
  const typesId = useId();
  const timelineId = useId();

  const set = (name: 'flag' | 'actor' | 'environment' | 'from' | 'to') => (event: { target: { value: string } }) =>
    setDraft({ ...draft, [name]: event.target.value });
  const toggleType = (type: string, checked: boolean) =>
    setDraft({
      ...draft,
      types: checked
        ? EVENT_TYPES.filter((t) => t === type || draft.types.includes(t))
        : draft.types.filter((t) => t !== type),
    });

  function apply(event: FormEvent) {
    event.preventDefault();
    setApplied(draft);
    setCursors([0]);
  }

  const refusal = loaded.state === 'failed' && loaded.error instanceof ApiError ? loaded.error : undefined;
  const message = (field: string) => refusal?.fieldMessage(field);
  const exportQuery = filterQuery(applied).toString();
  // The answer on screen may be for the previous query while the next one loads.
  const busy = loaded.state === 'loading' || (loaded.state === 'ready' && loaded.value.query !== query);

  return (
    <section>
      <h1>Audit</h1>
      <ChainIntegrity />
      <section aria-labelledby={timelineId}>
        <h2 id={timelineId}>Timeline</h2>
        <form onSubmit={apply} aria-label="Filter the timeline" noValidate>
          <div className="grid">
            <Field label="Flag" error={message('flag')}>
              {(a) => <input {...a} value={draft.flag} onChange={set('flag')} placeholder="every flag" />}
            </Field>
            <Field label="Actor" error={message('actor')}>
              {(a) => <input {...a} value={draft.actor} onChange={set('actor')} placeholder="everyone" />}
            </Field>
            <Field label="Environment" error={message('environment')}>
              {(a) => (
                <select {...a} value={draft.environment} onChange={set('environment')}>
                  <option value={EVERY_ENVIRONMENT}>Every environment</option>
                  {environments.state === 'ready' &&
                    environments.value.environments.map((e) => (
                      <option key={e.key} value={e.key}>
                        {e.key === e.name ? e.key : `${e.key} (${e.name})`}
                      </option>
                    ))}
                </select>
              )}
            </Field>
          </div>
          <div className="grid">
            <Field label="From" error={message('from')} hint="Your local time; inclusive.">
              {(a) => <input {...a} type="datetime-local" step={1} value={draft.from} onChange={set('from')} />}
            </Field>
            <Field label="To" error={message('to')} hint="Your local time; inclusive.">
              {(a) => <input {...a} type="datetime-local" step={1} value={draft.to} onChange={set('to')} />}
            </Field>
            <Field label="Entries per page">
              {(a) => (
                <select
                  {...a}
                  value={draft.pageSize}
                  onChange={(event) => setDraft({ ...draft, pageSize: Number(event.target.value) })}
                >
                  {PAGE_SIZES.map((size) => (
                    <option key={size} value={size}>
                      {size}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <fieldset aria-describedby={`${typesId}-hint`} aria-invalid={message('type') !== undefined || undefined}>
            <legend>Event types</legend>
            <div className="event-types">
              {EVENT_TYPES.map((type) => (
                <label key={type}>
                  <input
                    type="checkbox"
                    checked={draft.types.includes(type)}
                    onChange={(event) => toggleType(type, event.target.checked)}
                  />
                  {type}
                </label>
              ))}
            </div>
            <small id={`${typesId}-hint`}>{message('type') ?? 'None checked: every type.'}</small>
          </fieldset>
          <div className="actions">
            <button type="submit">Apply filters</button>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setDraft(NO_FILTERS);
                setApplied(NO_FILTERS);
                setCursors([0]);
              }}
            >
              Clear filters
            </button>
          </div>
        </form>
        <p className="actions">
          <a href={`/v1/export?format=ndjson&${exportQuery}`} download>
            Export NDJSON
          </a>
          <small>verifiable offline with npm run cli -- verify-export</small>
          <a href={`/v1/export?format=csv&${exportQuery}`} download>
            Export CSV
          </a>
          <small>for spreadsheets</small>
        </p>
        {loaded.state === 'failed' && (refusal === undefined || refusal.errors.length === 0) && (
          <p role="alert">{loaded.error.message}</p>
        )}
        {loaded.state !== 'failed' && (
          <Entries
            page={loaded.state === 'ready' ? loaded.value.page : undefined}
            busy={busy}
            pageNumber={cursors.length}
            onPrevious={() => setCursors(cursors.slice(0, -1))}
            onNext={(cursor) => setCursors([...cursors, cursor])}
          />
        )}
      </section>
    </section>
  );
}

function Entries(props: {
  page: TimelinePage | undefined;
  busy: boolean;
  pageNumber: number;
  onPrevious: () => void;
  onNext: (cursor: number) => void;
}) {
  const items = props.page?.items ?? [];
  const first = items[0];
  const last = items[items.length - 1];
  const nextCursor = props.page?.nextCursor ?? null;
  return (
    <>
      <div className="overflow-auto">
        <table className="striped timeline" aria-busy={props.busy} aria-label="Timeline entries">
          <thead>
            <tr>
              <th scope="col">Seq</th>
              <th scope="col">Time</th>
              <th scope="col">Actor</th>
              <th scope="col">Type</th>
              <th scope="col">Flag</th>
              <th scope="col">Environment</th>
              <th scope="col">Reason</th>
              <th scope="col">From → to</th>
            </tr>
          </thead>
          <tbody>
            {items.map((entry) => (
              <tr key={entry.seq}>
                <th scope="row">{entry.seq}</th>
                <td>
                  <SecondTime iso={entry.at} />
                </td>
                <td>{actorText(entry)}</td>
                <td>{entry.type}</td>
                <td>
                  {entry.flag === null ? (
                    entry.streamId
                  ) : (
                    <a href={hrefOf({ page: 'flag', key: entry.flag })}>{entry.flag}</a>
                  )}
                </td>
                <td>{environmentText(entry)}</td>
                <td>{entry.reason ?? '—'}</td>
                <td>
                  <code>{valueText(entry.from)}</code> → <code>{valueText(entry.to)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p role="status">
        {props.page === undefined
          ? 'Loading…'
          : first === undefined || last === undefined
            ? `Page ${props.pageNumber}: no entries match.`
            : `Page ${props.pageNumber}: seq ${first.seq} to ${last.seq} (${items.length} entries)${nextCursor === null ? ', the last page' : ''}.`}
      </p>
      <div className="actions">
        <button type="button" className="secondary" disabled={props.pageNumber === 1} onClick={props.onPrevious}>
          Previous page
        </button>
        <button
          type="button"
          className="secondary"
          disabled={nextCursor === null || props.busy}
          onClick={() => nextCursor !== null && props.onNext(nextCursor)}
        >
          Next page
        </button>
      </div>
    </>
  );
}
