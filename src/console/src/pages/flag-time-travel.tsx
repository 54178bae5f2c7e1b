import { useState, type FormEvent } from 'react';
import { ApiError, get, request } from '../api';
import { Field } from '../field';
import { statusOf, type Environment, type Flag } from '../types';

interface Evaluation {
  enabled: boolean;
  reason: string;
  bucket?: number;
  flagVersion: number | null;
}

/** Time travel: the flag in an environment as it was at an instant (read-only), and what a user got then. */
export function FlagTimeTravel(props: { flagKey: string; environments: Environment[] }) {
  const [asOf, setAsOf] = useState('');
  const [environment, setEnvironment] = useState(props.environments[0]!.key);
  const [userId, setUserId] = useState('');
  const [past, setPast] = useState<{ flag: Flag | null; evaluation: Evaluation | null } | undefined>();
  const [error, setError] = useState<string | undefined>();

  async function look(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    const instant = new Date(`${asOf}Z`).toISOString();
    const base = `/v1/environments/${encodeURIComponent(environment)}`;
    try {
      const flag = await get<Flag>(
        `${base}/flags/${encodeURIComponent(props.flagKey)}?asOf=${encodeURIComponent(instant)}`,
      ).catch((failure: unknown) => {
        if (failure instanceof ApiError && failure.status === 404) return null;
        throw failure;
      });
      const evaluation =
        userId.trim() === ''
          ? null
          : (
              await request<Evaluation>('POST', `${base}/evaluate`, {
                body: { flagKey: props.flagKey, context: { userId: userId.trim() }, asOf: instant },
              })
            ).body;
      setPast({ flag, evaluation });
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  }

  return (
    <section aria-labelledby="time-travel-heading">
      <h2 id="time-travel-heading">Time travel</h2>
      <form onSubmit={(event) => void look(event)}>
        <div className="grid">
          <Field label="As of" hint="An instant, in UTC.">
            {(a) => (
              <input
                {...a}
                type="datetime-local"
                step={1}
                value={asOf}
                onChange={(e) => setAsOf(e.target.value)}
                required
              />
            )}
          </Field>
          <Field label="In environment">
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
          <Field label="User id" hint="Optional: what did this user get then?">
            {(a) => <input {...a} value={userId} onChange={(e) => setUserId(e.target.value)} />}
          </Field>
        </div>
        <button type="submit" disabled={asOf === ''}>
          Show then
        </button>
      </form>
      {error && <p role="alert">{error}</p>}
      {past && (
        <output aria-label="The flag then">
          {past.flag === null ? (
            <p>It did not exist yet.</p>
          ) : (
            <p>
              Version {past.flag.version}: {statusOf(past.flag)}
              {past.flag.targetSegments.length > 0 && `, segments ${past.flag.targetSegments.join(', ')}`}
              {past.flag.archived && ', archived'}.
            </p>
          )}
          {past.evaluation && (
            <p>
              {userId.trim()} got {past.evaluation.enabled ? 'on' : 'off'} ({past.evaluation.reason}
              {past.evaluation.bucket !== undefined && `, bucket ${past.evaluation.bucket}`}).
            </p>
          )}
        </output>
      )}
    </section>
  );
}
