import { useState } from 'react';
import { Field } from '../field';
import { shortTime } from '../types';
import { WriteDialog } from '../write-dialog';
import type { FlagView, Write } from './flag-page-types';

/** The definition every environment shares: owner, expiry, description, ticket; archive and restore. */
export function FlagDefinition(props: { view: FlagView; editable: boolean; write: Write }) {
  const { flag } = props.view;
  const [draft, setDraft] = useState({
    owner: flag.owner,
    expiresAt: flag.expiresAt ? flag.expiresAt.slice(0, 16) : '',
    description: flag.description ?? '',
    ticket: flag.ticket ?? '',
  });
  const [dialog, setDialog] = useState<'details' | 'archive' | undefined>();
  const path = `/v1/flags/${encodeURIComponent(flag.key)}`;
  const set = (name: keyof typeof draft) => (event: { target: { value: string } }) =>
    setDraft({ ...draft, [name]: event.target.value });

  const changes = (): Record<string, unknown> => {
    const body: Record<string, unknown> = {};
    if (draft.owner !== flag.owner) body.owner = draft.owner;
    const expiresAt = draft.expiresAt === '' ? null : new Date(`${draft.expiresAt}Z`).toISOString();
    if (expiresAt !== flag.expiresAt) body.expiresAt = expiresAt;
    if ((draft.description || null) !== flag.description) body.description = draft.description || null;
    if ((draft.ticket || null) !== flag.ticket) body.ticket = draft.ticket || null;
    return body;
  };

  return (
    <section aria-labelledby="definition-heading">
      <h2 id="definition-heading">Definition</h2>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setDialog('details');
        }}
      >
        <fieldset disabled={!props.editable}>
          <div className="grid">
            <Field label="Owner">{(a) => <input {...a} value={draft.owner} onChange={set('owner')} />}</Field>
            <Field label="Expires at (UTC)">
              {(a) => <input {...a} type="datetime-local" value={draft.expiresAt} onChange={set('expiresAt')} />}
            </Field>
            <Field label="Ticket">{(a) => <input {...a} value={draft.ticket} onChange={set('ticket')} />}</Field>
          </div>
          <Field label="Description">
            {(a) => <input {...a} value={draft.description} onChange={set('description')} />}
          </Field>
        </fieldset>
        <p>
          Created by {flag.createdBy}, {shortTime(flag.createdAt)}; last evaluated {shortTime(flag.lastEvaluatedAt)}.
        </p>
        {props.editable && (
          <div role="group">
            <button type="submit" disabled={Object.keys(changes()).length === 0}>
              Save definition
            </button>
            <button type="button" className="secondary" onClick={() => setDialog('archive')}>
              {flag.archived ? 'Restore' : 'Archive'}
            </button>
          </div>
        )}
      </form>
      {dialog === 'details' && (
        <WriteDialog
          title={`Change the definition of ${flag.key}`}
          onClose={() => setDialog(undefined)}
          onConfirm={(reason) => props.write('PATCH', path, { ...changes(), ...(reason ? { reason } : {}) })}
        />
      )}
      {dialog === 'archive' && (
        <WriteDialog
          title={flag.archived ? `Restore ${flag.key}` : `Archive ${flag.key}`}
          onClose={() => setDialog(undefined)}
          onConfirm={(reason) =>
            props.write('POST', `${path}/${flag.archived ? 'restore' : 'archive'}`, reason ? { reason } : {})
          }
        >
          <p>
            {flag.archived
              ? 'It can be changed again in every environment.'
              : 'It stops answering in every environment.'}
          </p>
        </WriteDialog>
      )}
    </section>
  );
}
