import { useMemo, useState } from 'react';
import { can, get, type Session } from '../api';
import { hrefOf } from '../router';
import { FLAG_TYPES, shortTime, statusOf, type Environment, type Flag, type StaleFlag } from '../types';
import { useLoad } from '../use-load';
import { BreakGlassNotice } from './break-glass-notice';
import { CreateFlag } from './create-flag';

interface FlagsView {
  environments: Environment[];
  /** Every flag once, as the default environment (listed first) sees it: the rows, their definitions. */
  flags: Flag[];
  /** env → key → the flag as that environment sees it */
  byEnvironment: Map<string, Map<string, Flag>>;
  stale: Map<string, StaleFlag>;
}

async function loadFlags(): Promise<FlagsView> {
  const [{ environments }, stale] = await Promise.all([
    get<{ environments: Environment[] }>('/v1/environments'),
    get<{ flags: StaleFlag[] }>('/v1/flags/stale'),
  ]);
  const lists = await Promise.all(
    environments.map((e) =>
      get<{ flags: Flag[] }>(`/v1/environments/${encodeURIComponent(e.key)}/flags?includeArchived=true`),
    ),
  );
  return {
    environments,
    flags: lists[0]!.flags,
    byEnvironment: new Map(environments.map((e, i) => [e.key, new Map(lists[i]!.flags.map((f) => [f.key, f]))])),
    stale: new Map(stale.flags.map((f) => [f.key, f])),
  };
}

/** The latest evaluation in any environment (docs/contract.md §7). */
function lastEvaluated(view: FlagsView, key: string): string | null {
  let latest: string | null = null;
  for (const flags of view.byEnvironment.values()) {
    const at = flags.get(key)?.lastEvaluatedAt ?? null;
    if (at !== null && (latest === null || at > latest)) latest = at;
  }
  return latest;
}

export function Flags(props: { session: Session }) {
  const [loaded, reload] = useLoad(loadFlags, 'flags');
  const [search, setSearch] = useState('');
  const [type, setType] = useState('');
  const [owner, setOwner] = useState('');
  const [staleOnly, setStaleOnly] = useState(false);
  const [showArchived, setShowArchived] = useState(false);

  const rows = useMemo(() => {
    if (loaded.state !== 'ready') return [];
    const view = loaded.value;
    const needle = search.trim().toLowerCase();
    return view.flags
      .filter(
        (f) =>
          (showArchived || !f.archived) &&
          (type === '' || f.type === type) &&
          (owner === '' || f.owner === owner) &&
          (!staleOnly || view.stale.has(f.key)) &&
          (needle === '' ||
            f.key.toLowerCase().includes(needle) ||
            (f.description ?? '').toLowerCase().includes(needle)),
      )
      .sort((a, b) => (a.key < b.key ? -1 : 1));
  }, [loaded, search, type, owner, staleOnly, showArchived]);

  if (loaded.state === 'loading')
    return (
      <section aria-busy="true">
        <h1>Flags</h1>
      </section>
    );
  if (loaded.state === 'failed')
    return (
      <section>
        <h1>Flags</h1>
        <p role="alert">{loaded.error.message}</p>
      </section>
    );
  const view = loaded.value;
  const owners = [...new Set(view.flags.map((f) => f.owner))].sort();

  return (
    <section>
      <h1>Flags</h1>
      <BreakGlassNotice />
      <fieldset className="filters" aria-label="Filter flags">
        <input
          type="search"
          aria-label="Search flags"
          placeholder="Search by key or description"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <select aria-label="Type" value={type} onChange={(e) => setType(e.target.value)}>
          <option value="">Every type</option>
          {FLAG_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <select aria-label="Owner" value={owner} onChange={(e) => setOwner(e.target.value)}>
          <option value="">Every owner</option>
          {owners.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
        <label>
          <input type="checkbox" role="switch" checked={staleOnly} onChange={(e) => setStaleOnly(e.target.checked)} />
          Stale only
        </label>
        <label>
          <input
            type="checkbox"
            role="switch"
            checked={showArchived}
            onChange={(e) => setShowArchived(e.target.checked)}
          />
          Show archived
        </label>
      </fieldset>
      <div className="overflow-auto">
        <table className="striped">
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Type</th>
              <th scope="col">Owner</th>
              <th scope="col">Expires</th>
              {view.environments.map((e) => (
                <th scope="col" key={e.key}>
                  {e.key}
                </th>
              ))}
              <th scope="col">Stale</th>
              <th scope="col">Last evaluated</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((flag) => {
              const stale = view.stale.get(flag.key);
              return (
                <tr key={flag.key}>
                  <th scope="row">
                    <a href={hrefOf({ page: 'flag', key: flag.key })}>{flag.key}</a>
                    {flag.archived && <mark className="badge">archived</mark>}
                  </th>
                  <td>{flag.type}</td>
                  <td>{flag.owner}</td>
                  <td>{flag.expiresAt ? flag.expiresAt.slice(0, 10) : '—'}</td>
                  {view.environments.map((e) => {
                    const inEnvironment = view.byEnvironment.get(e.key)?.get(flag.key);
                    const status = inEnvironment ? statusOf(inEnvironment) : '—';
                    return (
                      <td key={e.key} data-status={status}>
                        {status}
                      </td>
                    );
                  })}
                  <td>
                    {stale ? (
                      <mark className="badge stale" title={stale.rules.join(', ')}>
                        {stale.rule}
                      </mark>
                    ) : (
                      ''
                    )}
                  </td>
                  <td>{shortTime(lastEvaluated(view, flag.key))}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p>
        {rows.length} of {view.flags.length} flags shown.
      </p>
      {can(props.session.principal.role, 'editor') && <CreateFlag onCreated={reload} />}
    </section>
  );
}
