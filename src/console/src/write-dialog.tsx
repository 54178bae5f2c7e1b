import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError } from './api';
import { Field } from './field';

/**
 * Every write from a flag's page, and a token's rotation or revocation, goes through this dialog (a
 * native <dialog>: focus moves into it, Esc closes it, keyboard alone is enough): it asks for an optional
 * reason, then runs the write. A refusal stays in the dialog with the API's message.
 */
export function WriteDialog(props: {
  title: string;
  /** What the write does, in words; the kill switch's warning goes here. */
  children?: ReactNode;
  danger?: boolean;
  /** The write's own inputs (a rotation's grace period), in the form before the reason. */
  fields?: ReactNode;
  /** What the free text is called when it is not a reason (an approval's comment). */
  reasonLabel?: string;
  /** A reason the write cannot go without (a rejection, a break-glass kill switch): the form insists. */
  reasonRequired?: boolean;
  onConfirm: (reason: string | undefined) => Promise<void>;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  async function confirm(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await props.onConfirm(reason.trim() === '' ? undefined : reason.trim());
    } catch (failure) {
      setError(failure instanceof ApiError ? (failure.fieldMessage('reason') ?? failure.message) : String(failure));
      setBusy(false);
    }
  }

  return (
    <dialog ref={dialog} onClose={props.onClose} aria-labelledby="write-dialog-title">
      <article>
        <h2 id="write-dialog-title">{props.title}</h2>
        {props.children}
        <form onSubmit={(event) => void confirm(event)}>
          {props.fields}
          <Field
            label={props.reasonLabel ?? 'Reason'}
            error={error}
            hint={`${props.reasonRequired ? 'Required' : 'Optional'}: recorded with the change, for whoever reads the history.`}
          >
            {(attributes) => (
              <input
                {...attributes}
                required={props.reasonRequired}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
              />
            )}
          </Field>
          <footer>
            <button type="button" className="secondary" onClick={() => dialog.current?.close()}>
              Cancel
            </button>
            <button type="submit" className={props.danger ? 'danger' : undefined} aria-busy={busy} disabled={busy}>
              Confirm
            </button>
          </footer>
        </form>
      </article>
    </dialog>
  );
}
