import { useState } from 'react';
import { get } from '../api';
import { CHANGE_REQUEST_STATES, type ChangeRequest } from '../change-requests';
import { hrefOf } from '../router';
import { shortTime } from '../types';
import { useLoad } from '../use-load';
import { StateBadge } from './change-request-state';

/** Every change request, newest first (as the API lists them), narrowed to one state on request. */
export function ChangeRequests() {
  const [state, setState] = useState('');
  const query = state === '' ? '' : `?state=${encodeURIComponent(state)}`;
  const [loaded] = useLoad(() => get<{ changeRequests: ChangeRequest[] }>(`/v1/change-requests${query}`), query);

  return (
    <section>
      <h1>Change requests</h1>
      <p>
        A protected environment takes state changes only through a request that another person approves; open one from a
        flag&apos;s environment panel with &quot;Request change&quot;.
      </p>
      <fieldset className="filters" aria-label="Filter change requests">
        <select aria-label="State" value={state} onChange={(e) => setState(e.target.value)}>
          <option value="">Every state</option>
          {CHANGE_REQUEST_STATES.map((s) => (
            <option key={s} value={s}>
              {s.replace('_', ' ')}
            </option>
          ))}
        </select>
      </fieldset>
      {loaded.state === 'loading' && <p aria-busy="true">Loading…</p>}
      {loaded.state === 'failed' && <p role="alert">{loaded.error.message}</p>}
      {loaded.state === 'ready' && (
        <div className="overflow-auto">
          <table className="striped">
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Environment</th>
                <th scope="col">Author</th>
                <th scope="col">State</th>
                <th scope="col">Changes</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {loaded.value.changeRequests.map((request) => (
                <tr key={request.id}>
                  <th scope="row">
                    <a href={hrefOf({ page: 'change-request', id: request.id })}>{request.title}</a>
                  </th>
                  <td>{request.environment}</td>
                  <td>{request.author}</td>
                  <td>
                    <StateBadge state={request.state} />
                  </td>
                  <td>{request.changes.length}</td>
                  <td>{shortTime(request.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {loaded.value.changeRequests.length === 0 && <p>No change requests{state === '' ? '' : ' in this state'}.</p>}
        </div>
      )}
    </section>
  );
}
