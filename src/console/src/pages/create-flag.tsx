import { useState, type FormEvent } from 'react';
import { ApiError, request } from '../api';
import { Field } from '../field';
import { FLAG_TYPES } from '../types';

const EMPTY = { key: '', type: 'release', owner: '', expiresAt: '', description: '', ticket: '', reason: '' };

/**
 * POST /v1/flags with the API's own validation: each message it answers is shown beside its field, so
 * the console never disagrees with the server about what a valid flag is.
 */
export function CreateFlag(props: { onCreated: () => void }) {
  const [values, setValues] = useState(EMPTY);
  const [error, setError] = useState<ApiError | undefined>();
  const [created, setCreated] = useState<string | undefined>();
  const set = (name: keyof typeof EMPTY) => (event: { target: { value: string } }) =>
    setValues({ ...values, [name]: event.target.value });

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    setCreated(undefined);
    const body: Record<string, unknown> = { key: values.key, type: values.type, owner: values.owner };
    if (values.expiresAt !== '') body.expiresAt = new Date(values.expiresAt).toISOString();
    for (const name of ['description', 'ticket', 'reason'] as const) if (values[name] !== '') body[name] = values[name];
    try {
      await request('POST', '/v1/flags', { body });
      setCreated(values.key);
      setValues(EMPTY);
      props.onCreated();
    } catch (failure) {
      if (failure instanceof ApiError) setError(failure);
      else throw failure;
    }
  }

  const message = (field: string) => error?.fieldMessage(field);
  return (
    <details>
      <summary role="button" className="outline">
        Create a flag
      </summary>
      <form onSubmit={(event) => void submit(event)} aria-label="Create a flag" noValidate>
        <div className="grid">
          <Field label="Key" error={message('key')}>
            {(a) => <input {...a} value={values.key} onChange={set('key')} />}
          </Field>
          <Field label="Type" error={message('type')}>
            {(a) => (
              <select {...a} value={values.type} onChange={set('type')}>
                {FLAG_TYPES.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Owner" error={message('owner')}>
            {(a) => <input {...a} value={values.owner} onChange={set('owner')} />}
          </Field>
          <Field label="Expires at" error={message('expiresAt')}>
            {(a) => <input {...a} type="datetime-local" value={values.expiresAt} onChange={set('expiresAt')} />}
          </Field>
        </div>
        <div className="grid">
          <Field label="Description" error={message('description')}>
            {(a) => <input {...a} value={values.description} onChange={set('description')} />}
          </Field>
          <Field label="Ticket" error={message('ticket')}>
            {(a) => <input {...a} value={values.ticket} onChange={set('ticket')} />}
          </Field>
          <Field label="Reason" error={message('reason')}>
            {(a) => <input {...a} value={values.reason} onChange={set('reason')} />}
          </Field>
        </div>
        {error && error.errors.length === 0 && <p role="alert">{error.message}</p>}
        {created && <p role="status">Created {created}.</p>}
        <button type="submit">Create flag</button>
      </form>
    </details>
  );
}
