import { useState } from 'react';
import { actorText, changeRequestText } from '../actor-text';
import { fieldChanges, showValue, type HistoryEntry } from '../history-diff';
import { shortTime, type ChangeRequestTrace, type Environment } from '../types';

/**
 * Who changed what, when and why, field by field, newest first; narrowed to one environment on request.
 * A change applied from a change request also names the request, its author and its approvers.
 */
export function FlagHistory(props: {
  entries: (HistoryEntry & { changeRequest?: ChangeRequestTrace })[];
  environments: Environment[];
}) {
  const [environment, setEnvironment] = useState('');
  const shown = props.entries
    .filter((e) => environment === '' || e.environment === environment || e.environment === null)
    .slice()
    .reverse();
  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      <label>
        Environment
        <select value={environment} onChange={(e) => setEnvironment(e.target.value)}>
          <option value="">Every environment</option>
          {props.environments.map((e) => (
            <option key={e.key} value={e.key}>
              {e.key}
            </option>
          ))}
        </select>
      </label>
      <div className="overflow-auto">
        <table className="striped">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">Environment</th>
              <th scope="col">Change</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((entry) => (
              <tr key={entry.seq}>
                <td>{entry.version}</td>
                <td>{shortTime(entry.at)}</td>
                <td>
                  {actorText(entry)}
                  {entry.changeRequest !== undefined && (
                    <>
                      {' '}
                      <small>{changeRequestText(entry.changeRequest)}</small>
                    </>
                  )}
                </td>
                <td>{entry.type}</td>
                <td>{entry.environment ?? 'all'}</td>
                <td>
                  <ul className="diff">
                    {fieldChanges(entry).map((change) => (
                      <li key={change.field}>
                        {change.field}: <del>{showValue(change.from)}</del> → <ins>{showValue(change.to)}</ins>
                      </li>
                    ))}
                  </ul>
                </td>
                <td>{entry.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
