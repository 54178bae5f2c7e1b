import { useState, type FormEvent } from 'react';
import { ApiError, can, get, request, type Session } from '../api';
import { Field } from '../field';
import { ENVIRONMENT_TYPES, shortTime, type Environment } from '../types';
import { useLoad } from '../use-load';

const EMPTY = { key: '', name: '', type: 'staging', requiredApprovals: '0' };

/** docs/contract.md §7: every environment; admins create them. */
export function Environments(props: { session: Session }) {
  const [loaded, reload] = useLoad(() => get<{ environments: Environment[] }>('/v1/environments'), 'environments');
  const [values, setValues] = useState(EMPTY);
  const [error, setError] = useState<ApiError | undefined>();
  const set = (name: keyof typeof EMPTY) => (event: { target: { value: string } }) =>
    setValues({ ...values, [name]: event.target.value });

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    try {
      await request('POST', '/v1/environments', {
        body: {
          key: values.key,
          name: values.name,
          type: values.type,
          requiredApprovals: Number(values.requiredApprovals),
        },
      });
      setValues(EMPTY);
      reload();
    } catch (failure) {
      if (failure instanceof ApiError) setError(failure);
      else throw failure;
    }
  }

  return (
    <section>
      <h1>Environments</h1>
      {loaded.state === 'loading' && <p aria-busy="true">Loading…</p>}
      {loaded.state === 'failed' && <p role="alert">{loaded.error.message}</p>}
      {loaded.state === 'ready' && (
        <table className="striped">
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col">Approvals required</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {loaded.value.environments.map((e) => (
              <tr key={e.key}>
                <th scope="row">{e.key}</th>
                <td>{e.name}</td>
                <td>{e.type}</td>
                <td>{e.requiredApprovals}</td>
                <td>{e.createdBy === null ? 'default (no event)' : `${e.createdBy}, ${shortTime(e.createdAt)}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {can(props.session.principal.role, 'admin') && (
        <form onSubmit={(event) => void submit(event)} aria-label="Create an environment" noValidate>
          <h2>Create an environment</h2>
          <div className="grid">
            <Field label="Key" error={error?.fieldMessage('key')}>
              {(a) => <input {...a} value={values.key} onChange={set('key')} />}
            </Field>
            <Field label="Name" error={error?.fieldMessage('name')}>
              {(a) => <input {...a} value={values.name} onChange={set('name')} />}
            </Field>
            <Field label="Type" error={error?.fieldMessage('type')}>
              {(a) => (
                <select {...a} value={values.type} onChange={set('type')}>
                  {ENVIRONMENT_TYPES.map((t) => (
                    <option key={t} value={t}>
                      {t}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Approvals required" error={error?.fieldMessage('requiredApprovals')}>
              {(a) => (
                <input
                  {...a}
                  type="number"
                  min={0}
                  max={5}
                  value={values.requiredApprovals}
                  onChange={set('requiredApprovals')}
                />
              )}
            </Field>
          </div>
          {error && error.errors.length === 0 && <p role="alert">{error.message}</p>}
          <button type="submit">Create environment</button>
        </form>
      )}
    </section>
  );
}
