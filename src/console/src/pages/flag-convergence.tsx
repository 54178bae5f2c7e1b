import { useEffect, useState } from 'react';
import { get } from '../api';
import { CLIENT_KIND_NAMES, convergenceText, type Convergence } from '../convergence';
import { Field } from '../field';
import { shortTime, type Environment } from '../types';

/** Often enough to watch a kill switch reach the fleet; one small read per open flag page. */
const REFRESH_MS = 3000;

/**
 * Who holds the flag's latest change in one environment (GET /v1/flags/:key/convergence), read again every
 * few seconds: the count, and the clients that have not applied it yet.
 */
export function FlagConvergence(props: { flagKey: string; environments: Environment[] }) {
  const [environment, setEnvironment] = useState(props.environments[0]!.key);
  const [answer, setAnswer] = useState<Convergence | undefined>();
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    let current = true;
    const path = `/v1/flags/${encodeURIComponent(props.flagKey)}/convergence?environment=${encodeURIComponent(environment)}`;
    const load = () =>
      get<Convergence>(path).then(
        (value) => {
          if (!current) return;
          setAnswer(value);
          setError(undefined);
        },
        (failure: unknown) => current && setError(failure instanceof Error ? failure.message : String(failure)),
      );
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, [props.flagKey, environment]);

  const shown = answer?.environment === environment ? answer : undefined;
  return (
    <section aria-labelledby="convergence-heading">
      <h2 id="convergence-heading">Who has the latest change</h2>
      {props.environments.length > 1 && (
        <Field label="Environment">
          {(a) => (
            <select {...a} value={environment} onChange={(e) => setEnvironment(e.target.value)}>
              {props.environments.map((e) => (
                <option key={e.key} value={e.key}>
                  {e.key}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <p role="status" aria-busy={shown === undefined && error === undefined}>
        {shown === undefined ? '' : convergenceText(shown)}
      </p>
      {error !== undefined && <p role="alert">{error}</p>}
      {shown !== undefined && shown.notApplied.length > 0 && (
        <table className="striped" aria-label="Clients without the latest change">
          <thead>
            <tr>
              <th scope="col">App</th>
              <th scope="col">Instance</th>
              <th scope="col">Kind</th>
              <th scope="col">Applied seq</th>
              <th scope="col">Last seen</th>
            </tr>
          </thead>
          <tbody>
            {shown.notApplied.map((c) => (
              <tr key={`${c.kind}\0${c.appName ?? ''}\0${c.instanceId ?? ''}`}>
                <td>{c.appName ?? '—'}</td>
                <td>{c.instanceId ?? '—'}</td>
                <td>{CLIENT_KIND_NAMES[c.kind]}</td>
                <td>{c.appliedSeq ?? 'unknown'}</td>
                <td>{shortTime(c.lastSeen)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
