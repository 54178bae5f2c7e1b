import { useRef, useState } from 'react';
import { get, managesTokens, type Session } from '../api';
import type { Environment, Token } from '../types';
import { useLoad } from '../use-load';
import { OneTimeSecret, type ShownSecret } from './one-time-secret';
import { IssueTokenForm, type Issued } from './token-issue-form';
import { TokenTable } from './token-table';
import { TokensAsOf } from './tokens-as-of';

/** docs/contract.md §9 for admins: issue, list, rotate and revoke tokens, and who had access when. */
export function Tokens(props: { session: Session }) {
  if (managesTokens(props.session)) return <TokensForAdmin />;
  return (
    <section>
      <h1>Tokens</h1>
      <p>
        Admins only: tokens are issued and revoked by an admin token for every environment. You are signed in as{' '}
        {props.session.principal.name} ({props.session.principal.role}).
      </p>
    </section>
  );
}

async function load(asOf: string | undefined) {
  const query = asOf === undefined ? '' : `?asOf=${encodeURIComponent(asOf)}`;
  const [{ tokens }, { environments }] = await Promise.all([
    get<{ tokens: Token[] }>(`/v1/tokens${query}`),
    get<{ environments: Environment[] }>('/v1/environments'),
  ]);
  // The instant the list was read at travels with it: the caption never names one the rows are not from.
  return { asOf, tokens, environments };
}

function caption(asOf: string | undefined): string {
  if (asOf === undefined) return 'Every token, live, expired or revoked.';
  return `The tokens valid at ${asOf.slice(0, 19).replace('T', ' ')} UTC: who had access then.`;
}

function TokensForAdmin() {
  const [asOf, setAsOf] = useState<string | undefined>();
  // The only place a secret lives in the console, from the 201 that carried it until "Done".
  const [shown, setShown] = useState<ShownSecret | undefined>();
  const [loaded, reload] = useLoad(() => load(asOf), asOf ?? 'now');
  // Keys each panel: a second secret gets a fresh one (no "Copied" left from the first), without the
  // secret itself as the key, which React would keep with the unmounted panel.
  const shownCount = useRef(0);
  const show =
    (done: string) =>
    ({ token, secret }: Issued) => {
      shownCount.current += 1;
      setShown({ tokenName: token.name, secret, done });
      reload();
    };

  return (
    <section>
      <h1>Tokens</h1>
      {shown && <OneTimeSecret key={shownCount.current} shown={shown} onDone={() => setShown(undefined)} />}
      <TokensAsOf asOf={asOf} onChange={setAsOf} />
      {loaded.state === 'loading' && <p aria-busy="true">Loading…</p>}
      {loaded.state === 'failed' && <p role="alert">{loaded.error.message}</p>}
      {loaded.state === 'ready' && (
        <>
          <TokenTable
            tokens={loaded.value.tokens}
            caption={caption(loaded.value.asOf)}
            actions={loaded.value.asOf === undefined}
            onRotated={show('rotated')}
            onRevoked={reload}
          />
          <IssueTokenForm environments={loaded.value.environments} onIssued={show('issued')} />
        </>
      )}
    </section>
  );
}
