import { useState, type FormEvent } from 'react';
import { ApiError, signIn, type Session } from '../api';
import { Field } from '../field';

/** docs/contract.md §8: a token in, an HttpOnly session cookie out; the token is never stored by the page. */
export function SignIn(props: { onSignedIn: (session: Session) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      props.onSignedIn(await signIn(token));
    } catch (failure) {
      setError(
        failure instanceof ApiError && failure.status === 401
          ? 'This token is not known to the server.'
          : failure instanceof ApiError
            ? (failure.fieldMessage('token') ?? failure.message)
            : String(failure),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="container sign-in">
      <h1>Flagledger</h1>
      <form onSubmit={(event) => void submit(event)}>
        <Field label="Token" error={error} hint="An API token: evaluator, viewer, editor or admin.">
          {(attributes) => (
            <input
              {...attributes}
              type="password"
              autoComplete="off"
              value={token}
              onChange={(event) => setToken(event.target.value)}
              required
            />
          )}
        </Field>
        <button type="submit" aria-busy={busy} disabled={busy || token === ''}>
          Sign in
        </button>
      </form>
    </main>
  );
}
