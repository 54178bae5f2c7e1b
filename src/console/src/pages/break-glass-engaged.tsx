import type { ChangeRequest } from '../change-requests';
import { hrefOf } from '../router';

/** The flag now: a reviewer asks whether the switch is still holding traffic off. */
function Now(props: { changeRequest: ChangeRequest }) {
  const now = props.changeRequest.changes[0]?.current;
  if (!now) return <p>The flag is gone or archived.</p>;
  return <p>{now.killSwitch ? 'The kill switch is still engaged.' : 'The kill switch has been released since.'}</p>;
}

/**
 * What a break-glass review is about. A kill switch is never held up for approval, so there is nothing
 * to approve or apply: the reviewer reads what was done, why (the page's heading says), and where the
 * log holds it.
 */
export function BreakGlassEngaged(props: {
  changeRequest: ChangeRequest;
  breakGlass: { flagKey: string; seq: number };
}) {
  const { environment, author } = props.changeRequest;
  const { flagKey, seq } = props.breakGlass;
  return (
    <section aria-labelledby="break-glass-heading">
      <h2 id="break-glass-heading">What was engaged</h2>
      <p>
        The kill switch of <a href={hrefOf({ page: 'flag', key: flagKey })}>{flagKey}</a> in {environment}, engaged at
        once without approval (break glass); the log holds it at seq {seq}.
      </p>
      <Now changeRequest={props.changeRequest} />
      <p>Someone other than {author} acknowledges it once they have looked at why.</p>
    </section>
  );
}
