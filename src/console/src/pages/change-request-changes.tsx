import { COMMAND_TITLES, type ChangeView, type StateSnapshot } from '../change-requests';
import { showValue, type FieldChange } from '../history-diff';
import { hrefOf } from '../router';

/** The fields a change moves, current → proposed: what a reviewer approves. */
function stateDiff(current: StateSnapshot, proposed: StateSnapshot): FieldChange[] {
  return (Object.keys(proposed) as (keyof StateSnapshot)[])
    .filter((field) => JSON.stringify(current[field]) !== JSON.stringify(proposed[field]))
    .map((field) => ({ field, from: current[field], to: proposed[field] }));
}

function Diff(props: { change: ChangeView }) {
  const { current, proposed } = props.change;
  if (current === null || proposed === null) return <>The flag is gone or archived.</>;
  const changes = stateDiff(current, proposed);
  if (changes.length === 0) return <>No change: the flag is already so.</>;
  return (
    <ul className="diff">
      {changes.map((change) => (
        <li key={change.field}>
          {change.field}: <del>{showValue(change.from)}</del> → <ins>{showValue(change.to)}</ins>
        </li>
      ))}
    </ul>
  );
}

/** A conflict says which versions differ: the request was decided against one the flag has left. */
function Version(props: { change: ChangeView }) {
  const { baseVersion, currentVersion, conflict } = props.change;
  if (!conflict) return <>{baseVersion}</>;
  return (
    <>
      <mark className="badge conflict-mark">conflict</mark> decided at {baseVersion}, now {currentVersion ?? 'gone'}
    </>
  );
}

/** Each proposed change as current → proposed in the request's environment, with conflict marks. */
export function ChangeRequestChanges(props: { changes: ChangeView[] }) {
  return (
    <div className="overflow-auto">
      <table className="striped">
        <caption>What applying the request does, against each flag as it is now.</caption>
        <thead>
          <tr>
            <th scope="col">Flag</th>
            <th scope="col">Command</th>
            <th scope="col">Current → proposed</th>
            <th scope="col">Version</th>
          </tr>
        </thead>
        <tbody>
          {props.changes.map((change) => (
            <tr key={change.flagKey} className={change.conflict ? 'conflict' : undefined}>
              <th scope="row">
                <a href={hrefOf({ page: 'flag', key: change.flagKey })}>{change.flagKey}</a>
              </th>
              <td>
                {COMMAND_TITLES[change.command]}
                {change.value !== undefined && <> to {showValue(change.value)}</>}
              </td>
              <td>
                <Diff change={change} />
              </td>
              <td>
                <Version change={change} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
