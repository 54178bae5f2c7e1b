import { useState } from 'react';
import { get, type ApiError, type Session } from '../api';
import { changeRequestPath, type ChangeRequest } from '../change-requests';
import { hrefOf } from '../router';
import { shortTime } from '../types';
import { useLoad } from '../use-load';
import { BreakGlassEngaged } from './break-glass-engaged';
import { ChangeRequestActions } from './change-request-actions';
import { ChangeRequestChanges } from './change-request-changes';
import { StateBadge } from './change-request-state';

/** A refused step: the API's detail, and for a conflict each flag that moved (its `errors`). */
function Refusal(props: { refusal: ApiError }) {
  return (
    <article role="alert" className="conflict">
      <p>{props.refusal.message}</p>
      {props.refusal.errors.length > 0 && (
        <ul>
          {props.refusal.errors.map((e) => (
            <li key={e.field}>
              {e.field} {e.message}
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}

function Schedule(props: { changeRequest: ChangeRequest }) {
  const { scheduledAt } = props.changeRequest;
  if (scheduledAt === null) return <p>Not scheduled: it is applied when someone presses Apply once it is approved.</p>;
  return (
    <p>
      Scheduled for <time dateTime={scheduledAt}>{shortTime(scheduledAt)}</time>: once approved, it applies itself then.
    </p>
  );
}

function Approvals(props: { changeRequest: ChangeRequest }) {
  const { approvals, requiredApprovals } = props.changeRequest;
  return (
    <section aria-labelledby="approvals-heading">
      <h2 id="approvals-heading">
        Approvals ({approvals.length} of {requiredApprovals})
      </h2>
      {approvals.length === 0 ? (
        <p>None yet.</p>
      ) : (
        <ul>
          {approvals.map((a) => (
            <li key={a.by}>
              {a.by}, {shortTime(a.at)}
              {a.comment && <>: {a.comment}</>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Who closed the request (rejected, cancelled, applied, failed, acknowledged), when and why. */
function Closing(props: { changeRequest: ChangeRequest }) {
  const { closedBy, closedAt, closingReason, state } = props.changeRequest;
  if (closedAt === null) return null;
  return (
    <p>
      {state.replace('_', ' ')} by {closedBy ?? 'the schedule'}, {shortTime(closedAt)}
      {closingReason && <>: {closingReason}</>}
    </p>
  );
}

/** One change request: its changes current → proposed, approvals, schedule, and the steps left to take. */
export function ChangeRequestPage(props: { session: Session; id: string }) {
  const [loaded, reload] = useLoad(() => get<ChangeRequest>(changeRequestPath(props.id)), props.id);
  const [refusal, setRefusal] = useState<ApiError | undefined>();

  if (loaded.state === 'loading')
    return (
      <section aria-busy="true">
        <h1>Change request</h1>
      </section>
    );
  if (loaded.state === 'failed')
    return (
      <section>
        <h1>Change request</h1>
        <p role="alert">{loaded.error.message}</p>
        <a href={hrefOf({ page: 'change-requests' })}>Back to the change requests</a>
      </section>
    );
  const cr = loaded.value;

  return (
    <section>
      <hgroup>
        <h1>
          {cr.title} <StateBadge state={cr.state} />
        </h1>
        <p>
          In {cr.environment}, by {cr.author}, {shortTime(cr.createdAt)}
          {cr.reason && <>: {cr.reason}</>}
        </p>
      </hgroup>
      {refusal && <Refusal refusal={refusal} />}
      <Closing changeRequest={cr} />
      {cr.breakGlass ? (
        <BreakGlassEngaged changeRequest={cr} breakGlass={cr.breakGlass} />
      ) : (
        <>
          <Schedule changeRequest={cr} />
          <h2>Changes</h2>
          <ChangeRequestChanges changes={cr.changes} />
          <Approvals changeRequest={cr} />
        </>
      )}
      <ChangeRequestActions
        changeRequest={cr}
        session={props.session}
        onDone={() => {
          setRefusal(undefined);
          reload();
        }}
        onRefused={(failure) => {
          setRefusal(failure);
          // The refusal may be news about the flags (a conflict): the marks show it once read again.
          reload();
        }}
      />
      <p>
        <a href={hrefOf({ page: 'change-requests' })}>Every change request</a>
      </p>
    </section>
  );
}
