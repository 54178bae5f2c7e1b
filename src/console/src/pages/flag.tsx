import { lazy, Suspense, useState } from 'react';
import { ApiError, can, get, request, type Session } from '../api';
import { rolloutSeries, type HistoryEntry } from '../history-diff';
import { hrefOf } from '../router';
import type { Environment, Flag } from '../types';
import { useLoad } from '../use-load';
import { FlagConvergence } from './flag-convergence';
import { FlagDefinition } from './flag-definition';
import { EnvironmentPanel } from './flag-environment-panel';
import { FlagHistory } from './flag-history';
import type { EnvironmentState, FlagView, Write } from './flag-page-types';
import { FlagTimeTravel } from './flag-time-travel';

const RolloutChart = lazy(() => import('../rollout-chart'));

async function loadFlag(key: string): Promise<FlagView> {
  const path = `/v1/flags/${encodeURIComponent(key)}`;
  const [flag, sides, { environments }, history] = await Promise.all([
    get<Flag>(path),
    get<{ version: number; environments: Record<string, EnvironmentState> }>(`${path}/environments`),
    get<{ environments: Environment[] }>('/v1/environments'),
    get<{ entries: HistoryEntry[] }>(`${path}/history?environment=*`),
  ]);
  const perHour = await Promise.all(
    environments.map((e) =>
      get<{ hours: { hour: string; count: number }[] }>(
        `/v1/environments/${encodeURIComponent(e.key)}/flags/${encodeURIComponent(key)}/evaluations`,
      ),
    ),
  );
  const evaluations = {
    times: perHour[0]!.hours.map((h) => Date.parse(h.hour) / 1000),
    series: Object.fromEntries(environments.map((e, i) => [e.key, perHour[i]!.hours.map((h) => h.count)])),
  };
  return {
    flag,
    rollout: rolloutSeries(
      history.entries,
      environments.map((e) => e.key),
      environments[0]!.key,
    ),
    evaluations,
    version: sides.version,
    environments,
    states: sides.environments,
    history: history.entries,
  };
}

/** A write refused with 412: who changed the flag since the version on screen, and when. */
export interface Conflict {
  since: number;
  changes: HistoryEntry[];
}

export function FlagPage(props: { session: Session; flagKey: string }) {
  const [loaded, reload] = useLoad(() => loadFlag(props.flagKey), props.flagKey);
  const [conflict, setConflict] = useState<Conflict | undefined>();

  if (loaded.state === 'loading')
    return (
      <section aria-busy="true">
        <h1>{props.flagKey}</h1>
      </section>
    );
  if (loaded.state === 'failed')
    return (
      <section>
        <h1>{props.flagKey}</h1>
        <p role="alert">{loaded.error.message}</p>
        <a href={hrefOf({ page: 'flags' })}>Back to the flags</a>
      </section>
    );
  const view = loaded.value;
  const editable = can(props.session.principal.role, 'editor') && conflict === undefined;
  const flagPath = `/v1/flags/${encodeURIComponent(view.flag.key)}`;

  const write: Write = async (method, path, body) => {
    try {
      await request(method, path, { body, ifMatch: view.version });
      reload();
    } catch (failure) {
      if (!(failure instanceof ApiError) || failure.status !== 412) throw failure;
      const history = await get<{ entries: HistoryEntry[] }>(`${flagPath}/history?environment=*`);
      setConflict({ since: view.version, changes: history.entries.filter((e) => e.version > view.version) });
      throw new ApiError(412, failure.code, 'The flag changed since this page loaded: nothing was written.', []);
    }
  };

  return (
    <section>
      <hgroup>
        <h1>{view.flag.key}</h1>
        <p>
          {view.flag.type} flag, version {view.version}
          {view.flag.archived && <mark className="badge">archived</mark>}
        </p>
      </hgroup>
      {conflict && (
        <article role="alert" className="conflict">
          <p>
            Someone changed this flag after version {conflict.since}; nothing of yours was written.{' '}
            {conflict.changes
              .map((c) => `${c.actor} (${c.type}, ${c.at.slice(0, 19).replace('T', ' ')} UTC)`)
              .join('; ')}
          </p>
          <button
            type="button"
            onClick={() => {
              setConflict(undefined);
              reload();
            }}
          >
            Reload
          </button>
        </article>
      )}
      <FlagDefinition key={view.version} view={view} editable={editable} write={write} />
      <h2>Environments</h2>
      <div className="environments">
        {view.environments.map((environment) => (
          <EnvironmentPanel
            // Keyed by version too: a new version starts the panel's fields from what the server holds.
            key={`${environment.key}@${view.version}`}
            flagKey={view.flag.key}
            environment={environment}
            state={view.states[environment.key]!}
            version={view.version}
            editable={editable && !view.flag.archived}
            write={write}
          />
        ))}
      </div>
      <FlagConvergence flagKey={view.flag.key} environments={view.environments} />
      <h2>Rollout over time</h2>
      <Suspense fallback={<p aria-busy="true">Drawing…</p>}>
        <RolloutChart
          label="Effective rollout per environment over time"
          times={view.rollout.times}
          series={view.rollout.series}
        />
      </Suspense>
      <h2>Evaluations per hour</h2>
      <Suspense fallback={<p aria-busy="true">Drawing…</p>}>
        <RolloutChart
          kind="count"
          label="Evaluations per hour per environment, last 7 days"
          times={view.evaluations.times}
          series={view.evaluations.series}
        />
      </Suspense>
      <FlagTimeTravel flagKey={view.flag.key} environments={view.environments} />
      <FlagHistory entries={view.history} environments={view.environments} />
    </section>
  );
}
