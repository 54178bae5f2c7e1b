import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { ApiError, can, get, request, type Session } from '../api';
import { Field } from '../field';
import { hrefOf } from '../router';
import { shortTime, type Flag, type StaleFlag } from '../types';
import { useLoad } from '../use-load';

/** A line of GET /v1/flags/stale: what the rules judged, beside the rules themselves. */
interface StaleReportFlag extends StaleFlag {
  type: string;
  createdAt: string;
  expiresAt: string | null;
  fullyRolledOutSince: string | null;
}

interface StaleReport {
  generatedAt: string;
  thresholds: { releaseFullyRolledOutDays: number; unusedDays: number };
  flags: StaleReportFlag[];
}

/** What made a flag stale, in the words of docs/contract.md §5, with the date the rule read. */
function ruleDetail(rule: string, flag: StaleReportFlag): string {
  switch (rule) {
    case 'RELEASE_FULLY_ROLLED_OUT':
      return `fully rolled out since ${shortTime(flag.fullyRolledOutSince)}`;
    case 'EXPERIMENT_EXPIRED':
    case 'PAST_EXPIRY':
      return `expired ${shortTime(flag.expiresAt)}`;
    case 'NOT_EVALUATED':
      return `last evaluated ${shortTime(flag.lastEvaluatedAt)}`;
    case 'NEVER_EVALUATED':
      return `never evaluated, created ${shortTime(flag.createdAt)}`;
    default:
      return '';
  }
}

/** The stale flags by owner, oldest first in each: the owner is who deletes the code (README "Monthly flag cleanup"). */
function byOwner(flags: StaleReportFlag[]): [string, StaleReportFlag[]][] {
  const groups = new Map<string, StaleReportFlag[]>();
  for (const flag of flags) groups.set(flag.owner, [...(groups.get(flag.owner) ?? []), flag]);
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([owner, list]) => [owner, list.sort((a, b) => b.ageDays - a.ageDays || (a.key < b.key ? -1 : 1))]);
}

export function Stale(props: { session: Session }) {
  const [loaded, reload] = useLoad(() => get<StaleReport>('/v1/flags/stale'), 'stale');
  const [selected, setSelected] = useState<string | null>(null);
  const [notice, setNotice] = useState('');
  const noticeRef = useRef<HTMLParagraphElement>(null);
  const editor = can(props.session.principal.role, 'editor');

  function done(message: string) {
    setNotice(message);
    setSelected(null);
    reload();
    // The panel the keyboard was in is gone: the message saying what happened takes the focus.
    noticeRef.current?.focus();
  }

  return (
    <section>
      <h1>Stale flags</h1>
      <p role="status" tabIndex={-1} ref={noticeRef}>
        {notice}
      </p>
      <CleanupSteps />
      {loaded.state === 'loading' && <p aria-busy="true">Loading…</p>}
      {loaded.state === 'failed' && <p role="alert">{loaded.error.message}</p>}
      {loaded.state === 'ready' && (
        <>
          <p>
            {loaded.value.flags.length === 1 ? '1 stale flag' : `${loaded.value.flags.length} stale flags`} as of{' '}
            {shortTime(loaded.value.generatedAt)}: release flags fully rolled out for more than{' '}
            {loaded.value.thresholds.releaseFullyRolledOutDays} days, expired flags, and flags not evaluated for more
            than {loaded.value.thresholds.unusedDays} days.
          </p>
          {loaded.value.flags.length === 0 && <p>Nothing to clean up.</p>}
          {byOwner(loaded.value.flags).map(([owner, flags]) => (
            <OwnerFlags
              key={owner}
              owner={owner}
              flags={flags}
              editor={editor}
              selected={selected}
              onSelect={setSelected}
              onDone={done}
            />
          ))}
        </>
      )}
    </section>
  );
}

function CleanupSteps() {
  const headingId = useId();
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>Monthly cleanup</h2>
      <ol>
        <li>Go through the flags below, owner by owner: each names the rules that made it stale.</li>
        <li>
          List the code that still reads each flag: <code>npm run cli -- cleanup-report --source ../my-service</code>{' '}
          writes every <code>file:line</code>, grouped by owner as here. A flag with no reference left can go now.
        </li>
        <li>
          The owner deletes that code and ships, then archives the flag with a reason (the ticket, what was removed).
        </li>
        <li>
          A flag that still has a purpose gets a new expiry instead, with the reason. A new expiry answers only the
          expiry rules (<code>EXPERIMENT_EXPIRED</code>, <code>PAST_EXPIRY</code>): a flag listed for another rule stays
          listed until that rule no longer holds.
        </li>
      </ol>
    </section>
  );
}

function OwnerFlags(props: {
  owner: string;
  flags: StaleReportFlag[];
  editor: boolean;
  selected: string | null;
  onSelect: (key: string | null) => void;
  onDone: (message: string) => void;
}) {
  const headingId = useId();
  const chosen = props.flags.find((f) => f.key === props.selected);
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>
        {props.owner} <small>({props.flags.length})</small>
      </h2>
      <div className="overflow-auto">
        <table className="striped">
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Rules</th>
              <th scope="col">Owner</th>
              <th scope="col">Ticket</th>
              <th scope="col">Age (days)</th>
              <th scope="col">Last evaluated</th>
              {props.editor && <th scope="col">Cleanup</th>}
            </tr>
          </thead>
          <tbody>
            {props.flags.map((flag) => (
              <tr key={flag.key}>
                <th scope="row">
                  <a href={hrefOf({ page: 'flag', key: flag.key })}>{flag.key}</a>
                </th>
                <td>
                  <ul className="rules">
                    {flag.rules.map((rule) => (
                      <li key={rule}>
                        <code>{rule}</code> <small>{ruleDetail(rule, flag)}</small>
                      </li>
                    ))}
                  </ul>
                </td>
                <td>{flag.owner}</td>
                <td>{flag.ticket ?? '—'}</td>
                <td>{flag.ageDays}</td>
                <td>{shortTime(flag.lastEvaluatedAt)}</td>
                {props.editor && (
                  <td>
                    <button type="button" className="outline" onClick={() => props.onSelect(flag.key)}>
                      Clean up<span className="visually-hidden"> {flag.key}</span>
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {props.editor && chosen && (
        <CleanupPanel
          key={chosen.key}
          flagKey={chosen.key}
          onCancel={() => props.onSelect(null)}
          onDone={props.onDone}
        />
      )}
    </section>
  );
}

const REASON_REQUIRED = 'Say why: the ticket, and what was removed or why the flag stays.';

/**
 * Archive or extend one flag. Both writes carry If-Match with the version read when the panel opened, so
 * a flag someone changed meanwhile is refused (412) instead of archived or extended unseen.
 */
function CleanupPanel(props: { flagKey: string; onCancel: () => void; onDone: (message: string) => void }) {
  const path = `/v1/flags/${encodeURIComponent(props.flagKey)}`;
  const [loaded, reload] = useLoad(() => get<Flag>(path), path);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const headingId = useId();
  useEffect(() => headingRef.current?.focus(), []);

  return (
    <section aria-labelledby={headingId} className="cleanup">
      <h3 id={headingId} tabIndex={-1} ref={headingRef}>
        Clean up {props.flagKey}
      </h3>
      {loaded.state === 'loading' && <p aria-busy="true">Loading the flag…</p>}
      {loaded.state === 'failed' && <p role="alert">{loaded.error.message}</p>}
      {loaded.state === 'ready' && (
        <>
          <p>
            A {loaded.value.type} flag owned by {loaded.value.owner}, at version {loaded.value.version}
            {loaded.value.ticket ? `, ticket ${loaded.value.ticket}` : ''}; expires {shortTime(loaded.value.expiresAt)}.
            {loaded.value.description ? ` Description: ${loaded.value.description}` : ''}
          </p>
          <div className="grid">
            <ArchiveForm flag={loaded.value} path={path} onConflict={reload} onDone={props.onDone} />
            <ExtendForm flag={loaded.value} path={path} onConflict={reload} onDone={props.onDone} />
          </div>
        </>
      )}
      <button type="button" className="secondary" onClick={props.onCancel}>
        Cancel
      </button>
    </section>
  );
}

interface WriteFormProps {
  flag: Flag;
  path: string;
  /** The flag changed since it was read: read it again so the form shows what a retry would change. */
  onConflict: () => void;
  onDone: (message: string) => void;
}

/** A refusal as the form shows it: a 412 says what to do next (the panel reads the flag again). */
function refusalText(failure: ApiError, key: string): string {
  if (failure.status !== 412) return failure.message;
  return `${key} changed since this panel read it (${failure.message}). The panel now shows it as it is: check it and submit again.`;
}

function ArchiveForm(props: WriteFormProps) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<{ reason?: string; other?: string }>({});

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (reason.trim() === '') return setError({ reason: REASON_REQUIRED });
    setError({});
    try {
      await request('POST', `${props.path}/archive`, { body: { reason: reason.trim() }, ifMatch: props.flag.version });
      props.onDone(`Archived ${props.flag.key}: ${reason.trim()}`);
    } catch (failure) {
      if (!(failure instanceof ApiError)) throw failure;
      if (failure.status === 412) props.onConflict();
      const field = failure.fieldMessage('reason');
      setError(field !== undefined ? { reason: field } : { other: refusalText(failure, props.flag.key) });
    }
  }

  return (
    <form onSubmit={(event) => void submit(event)} aria-label={`Archive ${props.flag.key}`} noValidate>
      <h4>Archive it</h4>
      <p>
        <small>Once no code reads it: an archived flag evaluates to false everywhere, and can be restored.</small>
      </p>
      <Field label="Reason" error={error.reason}>
        {(a) => <input {...a} value={reason} onChange={(e) => setReason(e.target.value)} required />}
      </Field>
      {error.other && <p role="alert">{error.other}</p>}
      <button type="submit">Archive {props.flag.key}</button>
    </form>
  );
}

function ExtendForm(props: WriteFormProps) {
  const [expiresAt, setExpiresAt] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | undefined>();
  const [missing, setMissing] = useState<{ expiresAt?: string; reason?: string }>({});

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    const absent = {
      ...(expiresAt === '' ? { expiresAt: 'Choose the new expiry.' } : {}),
      ...(reason.trim() === '' ? { reason: REASON_REQUIRED } : {}),
    };
    setMissing(absent);
    if (Object.keys(absent).length > 0) return;
    const iso = new Date(expiresAt).toISOString();
    try {
      await request('PATCH', props.path, {
        body: { expiresAt: iso, reason: reason.trim() },
        ifMatch: props.flag.version,
      });
      props.onDone(`${props.flag.key} now expires ${shortTime(iso)}.`);
    } catch (failure) {
      if (!(failure instanceof ApiError)) throw failure;
      setError(failure);
      if (failure.status === 412) props.onConflict();
    }
  }

  const other =
    error !== undefined && error.fieldMessage('expiresAt') === undefined && error.fieldMessage('reason') === undefined
      ? refusalText(error, props.flag.key)
      : undefined;
  return (
    <form onSubmit={(event) => void submit(event)} aria-label={`Extend ${props.flag.key}`} noValidate>
      <h4>Give it a new expiry</h4>
      <p>
        <small>If it still has a purpose. Now: {shortTime(props.flag.expiresAt)}.</small>
      </p>
      <Field label="New expiry" error={missing.expiresAt ?? error?.fieldMessage('expiresAt')} hint="Your local time.">
        {(a) => (
          <input
            {...a}
            type="datetime-local"
            value={expiresAt}
            onChange={(e) => setExpiresAt(e.target.value)}
            required
          />
        )}
      </Field>
      <Field label="Reason" error={missing.reason ?? error?.fieldMessage('reason')}>
        {(a) => <input {...a} value={reason} onChange={(e) => setReason(e.target.value)} required />}
      </Field>
      {other && <p role="alert">{other}</p>}
      <button type="submit">Extend {props.flag.key}</button>
    </form>
  );
}
