import { useState } from 'react';
import { request } from '../api';
import { Field } from '../field';
import type { Token } from '../types';
import { WriteDialog } from '../write-dialog';
import type { Issued } from './token-issue-form';

/** docs/contract.md §9: how long an old secret may outlive its rotation. */
const MAX_GRACE_SECONDS = 86_400;

/**
 * Rotate and Revoke for one token issued through the API, each behind the write dialog (a reason, then
 * Confirm). The token's name is in each button's accessible name, so a row's buttons say whose they are.
 */
export function TokenActions(props: { token: Token; onRotated: (rotated: Issued) => void; onRevoked: () => void }) {
  const [pending, setPending] = useState<'rotate' | 'revoke' | undefined>();
  const [grace, setGrace] = useState('0');
  const path = `/v1/tokens/${encodeURIComponent(props.token.id)}`;
  const why = (reason: string | undefined) => (reason ? { reason } : {});

  async function rotate(reason: string | undefined) {
    const body = { graceSeconds: Number(grace), ...why(reason) };
    const rotated = (await request<Issued>('POST', `${path}/rotate`, { body })).body;
    setPending(undefined);
    props.onRotated(rotated);
  }

  async function revoke(reason: string | undefined) {
    await request('POST', `${path}/revoke`, { body: why(reason) });
    setPending(undefined);
    props.onRevoked();
  }

  return (
    <>
      <div className="actions">
        <button type="button" className="outline" onClick={() => setPending('rotate')}>
          Rotate<span className="visually-hidden"> {props.token.name}</span>
        </button>
        <button type="button" className="danger" onClick={() => setPending('revoke')}>
          Revoke<span className="visually-hidden"> {props.token.name}</span>
        </button>
      </div>
      {pending === 'rotate' && (
        <WriteDialog
          title={`Rotate ${props.token.name}`}
          onClose={() => setPending(undefined)}
          onConfirm={rotate}
          fields={
            <Field
              label="Grace period (seconds)"
              hint={`How long the old secret keeps working: 0 ends it now, ${MAX_GRACE_SECONDS} (a day) at most.`}
            >
              {(a) => (
                <input
                  {...a}
                  type="number"
                  min={0}
                  max={MAX_GRACE_SECONDS}
                  step={1}
                  value={grace}
                  onChange={(e) => setGrace(e.target.value)}
                />
              )}
            </Field>
          }
        >
          <p>A new secret works at once and is shown once; give it to the holder before the grace period ends.</p>
        </WriteDialog>
      )}
      {pending === 'revoke' && (
        <WriteDialog
          title={`Revoke ${props.token.name}`}
          danger
          onClose={() => setPending(undefined)}
          onConfirm={revoke}
        >
          <p>
            Every request with it is refused (401) from now on, on every instance. A revoked token cannot be restored:
            issue a new one instead.
          </p>
        </WriteDialog>
      )}
    </>
  );
}
