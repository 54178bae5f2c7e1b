import { useState } from 'react';
import { ApiError, can, request, type Session } from '../api';
import { changeRequestPath, FINAL_STATES, type ChangeRequest } from '../change-requests';
import { WriteDialog } from '../write-dialog';

type Step = 'acknowledge' | 'approve' | 'reject' | 'apply' | 'cancel';

/**
 * Open to the four-eyes steps: not closed, and not a break-glass review, whose kill switch was applied
 * already and which takes only an acknowledgement.
 */
const open = (cr: ChangeRequest) => cr.breakGlass === null && !FINAL_STATES.has(cr.state);

/** Each step's button, dialog and body; `offered` mirrors the server's rules, which enforce them anyway. */
const STEPS: Record<
  Step,
  {
    label: string;
    title: string;
    says: string;
    offered: (cr: ChangeRequest, session: Session) => boolean;
    body: (text: string | undefined) => object;
    reasonLabel?: string;
    reasonRequired?: boolean;
    danger?: boolean;
  }
> = {
  acknowledge: {
    label: 'Acknowledge',
    title: 'Acknowledge this break-glass kill switch',
    says: 'You have looked at why the kill switch was engaged without approval; your comment closes the review.',
    // Another person's eyes, as for an approval: never whoever engaged it (docs/contract.md §10).
    offered: (cr, s) => cr.state === 'needs_review' && cr.author !== s.principal.name,
    body: (text) => ({ comment: text ?? '' }),
    reasonLabel: 'Comment',
    reasonRequired: true,
  },
  approve: {
    label: 'Approve',
    title: 'Approve this change request',
    says: 'Your approval counts once; the author cannot approve their own request.',
    // Four eyes: never the author, and once per person (docs/contract.md §10).
    offered: (cr, s) =>
      cr.state === 'in_review' &&
      cr.author !== s.principal.name &&
      !cr.approvals.some((a) => a.by === s.principal.name),
    body: (text) => (text ? { comment: text } : {}),
    reasonLabel: 'Comment',
  },
  reject: {
    label: 'Reject',
    title: 'Reject this change request',
    says: 'A rejection is final: the author gets your reason and opens a new request if they still want the change.',
    offered: open,
    body: (text) => ({ reason: text ?? '' }),
    reasonRequired: true,
    danger: true,
  },
  apply: {
    label: 'Apply',
    title: 'Apply this change request',
    says: 'Every change is written at once, or none if a flag moved since the request was made.',
    offered: (cr) => cr.state === 'approved',
    body: (text) => (text ? { reason: text } : {}),
  },
  cancel: {
    label: 'Cancel',
    title: 'Cancel this change request',
    says: 'A cancelled request is closed for good; nothing of it is applied.',
    offered: (cr, s) => open(cr) && (cr.author === s.principal.name || can(s.principal.role, 'admin')),
    body: (text) => (text ? { reason: text } : {}),
  },
};

/**
 * The review steps the signed-in person may take on the request now, each behind the write dialog. A
 * refusal closes the dialog and goes to the page, which shows it with the request read again.
 */
export function ChangeRequestActions(props: {
  changeRequest: ChangeRequest;
  session: Session;
  onDone: () => void;
  onRefused: (refusal: ApiError) => void;
}) {
  const [pending, setPending] = useState<Step | undefined>();
  if (!can(props.session.principal.role, 'editor')) return null;
  const offered = (Object.keys(STEPS) as Step[]).filter((s) => STEPS[s].offered(props.changeRequest, props.session));
  if (offered.length === 0) return null;
  const step = pending && STEPS[pending];

  async function run(chosen: Step, text: string | undefined) {
    const path = `${changeRequestPath(props.changeRequest.id)}/${chosen}`;
    try {
      await request('POST', path, { body: STEPS[chosen].body(text) });
      setPending(undefined);
      props.onDone();
    } catch (failure) {
      if (!(failure instanceof ApiError)) throw failure;
      setPending(undefined);
      props.onRefused(failure);
    }
  }

  return (
    <>
      <div className="actions">
        {offered.map((s) => (
          <button
            key={s}
            type="button"
            className={STEPS[s].danger ? 'danger' : s === 'cancel' ? 'secondary' : undefined}
            onClick={() => setPending(s)}
          >
            {STEPS[s].label}
          </button>
        ))}
      </div>
      {pending && step && (
        <WriteDialog
          title={step.title}
          danger={step.danger}
          reasonLabel={step.reasonLabel}
          reasonRequired={step.reasonRequired}
          onClose={() => setPending(undefined)}
          onConfirm={(text) => run(pending, text)}
        >
          <p>{step.says}</p>
        </WriteDialog>
      )}
    </>
  );
}
