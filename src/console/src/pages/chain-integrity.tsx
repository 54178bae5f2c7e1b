import { useId } from 'react';
import { get } from '../api';
import { shortTime } from '../types';
import { useLoad } from '../use-load';

/** GET /v1/audit/verify (README "Signed checkpoints and verification"). */
type Verification =
  | { ok: true; events: number; headSeq: number; headHash: string; checkpoints: number }
  | { ok: false; firstBadSeq: number; reason: string };

interface SignedCheckpoint {
  seq: number;
  hash: string;
  at: string;
  signature: string;
  keyId: string;
}

interface Integrity {
  verification: Verification;
  keyId: string;
  checkpoint: SignedCheckpoint | null;
}

async function loadIntegrity(): Promise<Integrity> {
  const [verification, key, latest] = await Promise.all([
    get<Verification>('/v1/audit/verify'),
    get<{ keyId: string }>('/v1/audit/public-key'),
    get<{ checkpoint: SignedCheckpoint | null }>('/v1/audit/checkpoints/latest'),
  ]);
  return { verification, keyId: key.keyId, checkpoint: latest.checkpoint };
}

/**
 * The server's check of its own chain, with the newest signed checkpoint: an auditor reads here whether
 * the log still verifies, up to which seq, and which key vouched for it last.
 */
export function ChainIntegrity() {
  const [loaded, reload] = useLoad(loadIntegrity, 'integrity');
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} aria-busy={loaded.state === 'loading'}>
      <h2 id={headingId}>Chain integrity</h2>
      {loaded.state === 'failed' && <p role="alert">{loaded.error.message}</p>}
      {loaded.state === 'ready' && <IntegrityReport integrity={loaded.value} />}
      <button type="button" className="secondary" onClick={reload}>
        Verify again
      </button>
    </section>
  );
}

function IntegrityReport({ integrity: { verification, keyId, checkpoint } }: { integrity: Integrity }) {
  return (
    <>
      {verification.ok ? (
        <p>
          <ins>Chain verified</ins>: {verification.events} events, head seq {verification.headSeq} (hash{' '}
          <code>{verification.headHash.slice(0, 16)}…</code>),{' '}
          {verification.checkpoints === 1 ? '1 signed checkpoint' : `${verification.checkpoints} signed checkpoints`}{' '}
          checked.
        </p>
      ) : (
        <p role="alert">
          <del>Chain broken</del> at seq {verification.firstBadSeq}: {verification.reason}
        </p>
      )}
      {checkpoint === null ? (
        <p>
          No signed checkpoint yet: the hash chain alone protects every event. An admin signs the head with POST
          /v1/admin/checkpoints.
        </p>
      ) : (
        <p>
          Newest signed checkpoint: seq {checkpoint.seq}, {shortTime(checkpoint.at)}, signed with key{' '}
          <code>{checkpoint.keyId}</code>{' '}
          {checkpoint.keyId === keyId ? "(the server's current key)" : `(not the server's current key, ${keyId})`}.
        </p>
      )}
    </>
  );
}
