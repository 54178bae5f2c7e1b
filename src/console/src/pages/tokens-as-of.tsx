import { useState, type FormEvent } from 'react';
import { Field } from '../field';

/**
 * "Who had access at that instant": an instant (UTC, to the second, as the log keeps it) for the list to
 * be read at, and the way back to the tokens as they are now.
 */
export function TokensAsOf(props: { asOf: string | undefined; onChange: (asOf: string | undefined) => void }) {
  const [draft, setDraft] = useState('');

  function show(event: FormEvent) {
    event.preventDefault();
    props.onChange(new Date(`${draft}Z`).toISOString());
  }

  return (
    <form onSubmit={show} aria-label="Who had access at an instant" className="actions">
      <Field label="As of" hint="An instant, in UTC: the tokens valid then (issued, neither revoked nor expired).">
        {(a) => (
          <input {...a} type="datetime-local" step={1} value={draft} onChange={(e) => setDraft(e.target.value)} />
        )}
      </Field>
      <button type="submit" disabled={draft === ''}>
        Show who had access then
      </button>
      {props.asOf !== undefined && (
        <button
          type="button"
          className="secondary"
          onClick={() => {
            setDraft('');
            props.onChange(undefined);
          }}
        >
          Back to now
        </button>
      )}
    </form>
  );
}
