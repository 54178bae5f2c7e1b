import { useId, useState, type FormEvent } from 'react';
import { ApiError, request, ROLES } from '../api';
import { Field } from '../field';
import type { Environment, Token } from '../types';

const EMPTY = { name: '', role: 'evaluator', expiresAt: '', reason: '' };

export interface Issued {
  token: Token;
  secret: string;
}

/**
 * POST /v1/tokens, validated by the API alone (its message beside the field it refuses). The scope starts
 * at every environment, the API's own default; the role at the least one, so more is a choice.
 */
export function IssueTokenForm(props: { environments: Environment[]; onIssued: (issued: Issued) => void }) {
  const [values, setValues] = useState(EMPTY);
  // null: every environment, sent as no `environments` at all.
  const [scope, setScope] = useState<string[] | null>(null);
  const [error, setError] = useState<ApiError | undefined>();
  const scopeMessageId = useId();
  const set = (name: keyof typeof EMPTY) => (event: { target: { value: string } }) =>
    setValues({ ...values, [name]: event.target.value });
  const toggle = (key: string, on: boolean) =>
    setScope(on ? [...(scope ?? []), key] : (scope ?? []).filter((k) => k !== key));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    const body: Record<string, unknown> = { name: values.name, role: values.role };
    if (scope !== null) body.environments = scope;
    if (values.expiresAt !== '') body.expiresAt = new Date(`${values.expiresAt}Z`).toISOString();
    if (values.reason !== '') body.reason = values.reason;
    try {
      const issued = (await request<Issued>('POST', '/v1/tokens', { body })).body;
      setValues(EMPTY);
      setScope(null);
      props.onIssued(issued);
    } catch (failure) {
      if (failure instanceof ApiError) setError(failure);
      else throw failure;
    }
  }

  const message = (field: string) => error?.fieldMessage(field);
  const scopeMessage = message('environments');
  return (
    <form onSubmit={(event) => void submit(event)} aria-label="Issue a token" noValidate>
      <h2>Issue a token</h2>
      <div className="grid">
        <Field label="Name" error={message('name')} hint="Who or what holds it: the actor on its events.">
          {(a) => <input {...a} value={values.name} onChange={set('name')} />}
        </Field>
        <Field label="Role" error={message('role')}>
          {(a) => (
            <select {...a} value={values.role} onChange={set('role')}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Expires at" error={message('expiresAt')} hint="Optional, in UTC; empty: never.">
          {(a) => <input {...a} type="datetime-local" value={values.expiresAt} onChange={set('expiresAt')} />}
        </Field>
      </div>
      <fieldset aria-describedby={scopeMessage !== undefined ? scopeMessageId : undefined}>
        <legend>Environments</legend>
        <label>
          <input type="checkbox" checked={scope === null} onChange={(e) => setScope(e.target.checked ? null : [])} />
          All environments
        </label>
        {scope !== null &&
          props.environments.map((environment) => (
            <label key={environment.key}>
              <input
                type="checkbox"
                checked={scope.includes(environment.key)}
                onChange={(e) => toggle(environment.key, e.target.checked)}
              />
              {environment.key}
            </label>
          ))}
        {scopeMessage !== undefined && <small id={scopeMessageId}>{scopeMessage}</small>}
      </fieldset>
      <Field label="Reason" error={message('reason')} hint="Optional: recorded with the TokenIssued event.">
        {(a) => <input {...a} value={values.reason} onChange={set('reason')} />}
      </Field>
      {error && error.errors.length === 0 && <p role="alert">{error.message}</p>}
      <button type="submit">Issue token</button>
    </form>
  );
}
