import { decideChangeRequest, type ChangeRequestCommand, type Requester } from './change-request.decider.js';
import type { ChangeRequestEvent, ProposedChange } from './change-request.events.js';
import { breakGlassReview, evolveChangeRequest, type ChangeRequest } from './change-request.js';

const AT = '2026-12-01T10:00:00.000Z';
const alice: Requester = { name: 'alice', role: 'editor' };
const bob: Requester = { name: 'bob', role: 'editor' };
const carol: Requester = { name: 'carol', role: 'editor' };
const root: Requester = { name: 'root', role: 'admin' };
const enable: ProposedChange = { flagKey: 'checkout', command: 'enable', baseVersion: 3 };
const rollout: ProposedChange = { flagKey: 'search', command: 'rollout', value: 25, baseVersion: 7 };

const created = (requiredApprovals = 1): ChangeRequestEvent => ({
  type: 'ChangeRequestCreated',
  data: {
    id: 'cr_1',
    environment: 'production',
    title: 'Launch',
    changes: [enable],
    scheduledAt: null,
    requiredApprovals,
  },
});
const approvedBy = (who: Requester): [ChangeRequestEvent, Requester] => [
  { type: 'ChangeRequestApproved', data: { id: 'cr_1', comment: null } },
  who,
];

/** given (events, each by its actor; the first by alice) / when (command by someone) / then (events or error). */
function given(first: ChangeRequestEvent | undefined, ...rest: [ChangeRequestEvent, Requester][]) {
  const history: [ChangeRequestEvent, Requester][] = first === undefined ? rest : [[first, alice], ...rest];
  const state = history.reduce<ChangeRequest | undefined>(
    (current, [event, actor], i) =>
      evolveChangeRequest(current, event, { actor: actor.name, at: AT, reason: null, version: i + 1 }),
    undefined,
  );
  return {
    state,
    when: (command: ChangeRequestCommand, by: Requester) => ({
      then: (expected: ChangeRequestEvent[]) => expect(decideChangeRequest(command, state, by)).toEqual(expected),
      thenFails: (code: string) =>
        expect(() => decideChangeRequest(command, state, by)).toThrow(expect.objectContaining({ code })),
    }),
  };
}

const apply: ChangeRequestCommand = { kind: 'apply', moved: [], scheduled: false, lateByMs: null };

describe('change request decider', () => {
  it('opens a request in review, needing at least one approval even where the environment asks none', () => {
    given(undefined)
      .when(
        {
          kind: 'create',
          id: 'cr_1',
          environment: 'production',
          title: 'Launch',
          changes: [enable],
          scheduledAt: null,
          requiredApprovals: 0,
        },
        alice,
      )
      .then([created(1)]);
    expect(given(created()).state).toMatchObject({ state: 'in_review', author: 'alice', approvals: [] });
  });

  it('is approved once another person approves: N approvals for N required', () => {
    given(created(2))
      .when({ kind: 'approve', comment: 'looks right' }, bob)
      .then([{ type: 'ChangeRequestApproved', data: { id: 'cr_1', comment: 'looks right' } }]);
    expect(given(created(2), approvedBy(bob)).state?.state).toBe('in_review');
    expect(given(created(2), approvedBy(bob), approvedBy(carol)).state).toMatchObject({
      state: 'approved',
      approvals: [expect.objectContaining({ by: 'bob' }), expect.objectContaining({ by: 'carol' })],
    });
  });

  it('refuses self-approval, admins included, and a second approval by the same person', () => {
    given(created()).when({ kind: 'approve', comment: null }, alice).thenFails('CHANGE_REQUEST_APPROVAL_REFUSED');
    given(undefined, [created(), root])
      .when({ kind: 'approve', comment: null }, root)
      .thenFails('CHANGE_REQUEST_APPROVAL_REFUSED');
    given(created(2), approvedBy(bob))
      .when({ kind: 'approve', comment: null }, bob)
      .thenFails('CHANGE_REQUEST_APPROVAL_REFUSED');
  });

  it('refuses an approval once approved, rejected, cancelled or applied', () => {
    const approved = approvedBy(bob);
    given(created(), approved).when({ kind: 'approve', comment: null }, carol).thenFails('CHANGE_REQUEST_STATE');
    for (const closing of ['ChangeRequestRejected', 'ChangeRequestCancelled'] as const)
      given(created(), [{ type: closing, data: { id: 'cr_1' } }, bob])
        .when({ kind: 'approve', comment: null }, carol)
        .thenFails('CHANGE_REQUEST_STATE');
  });

  it('applies an approved request whose flags did not move', () => {
    given(created(), approvedBy(bob))
      .when(apply, carol)
      .then([{ type: 'ChangeRequestApplied', data: { id: 'cr_1', scheduled: false, lateByMs: null } }]);
  });

  it('refuses to apply before enough approvals, and after a rejection or cancellation', () => {
    given(created()).when(apply, bob).thenFails('CHANGE_REQUEST_STATE');
    given(created(2), approvedBy(bob)).when(apply, bob).thenFails('CHANGE_REQUEST_STATE');
    given(created(), approvedBy(bob), [{ type: 'ChangeRequestRejected', data: { id: 'cr_1' } }, carol])
      .when(apply, bob)
      .thenFails('CHANGE_REQUEST_STATE');
    given(created(), approvedBy(bob), [{ type: 'ChangeRequestCancelled', data: { id: 'cr_1' } }, alice])
      .when(apply, bob)
      .thenFails('CHANGE_REQUEST_STATE');
  });

  it('refuses to apply when a flag moved past its base version, naming it; the request stays approved', () => {
    const moved = {
      kind: 'apply',
      moved: [{ flagKey: 'checkout', baseVersion: 3, version: 4 }],
      scheduled: false,
      lateByMs: null,
    } as const;
    const it = given(created(), approvedBy(bob));
    it.when(moved, carol).thenFails('CHANGE_REQUEST_CONFLICT');
    expect(() => decideChangeRequest(moved, it.state, carol)).toThrow(/checkout \(3 → 4\)/);
    expect(it.state?.state).toBe('approved');
  });

  it('lets only the author replace the changes, which withdraws every approval and asks for review again', () => {
    const it = given(created(), approvedBy(bob));
    it.when({ kind: 'replaceChanges', changes: [rollout] }, alice).then([
      { type: 'ChangeRequestChangesReplaced', data: { id: 'cr_1', changes: [rollout], withdrawnApprovals: ['bob'] } },
    ]);
    it.when({ kind: 'replaceChanges', changes: [rollout] }, bob).thenFails('FORBIDDEN');
    const replaced = given(created(), approvedBy(bob), [
      { type: 'ChangeRequestChangesReplaced', data: { id: 'cr_1', changes: [rollout], withdrawnApprovals: ['bob'] } },
      alice,
    ]);
    expect(replaced.state).toMatchObject({ state: 'in_review', approvals: [], changes: [rollout] });
    // bob may approve the new changes.
    replaced
      .when({ kind: 'approve', comment: null }, bob)
      .then([{ type: 'ChangeRequestApproved', data: { id: 'cr_1', comment: null } }]);
  });

  it('rejects for good: nothing moves a rejected request', () => {
    given(created())
      .when({ kind: 'reject' }, bob)
      .then([{ type: 'ChangeRequestRejected', data: { id: 'cr_1' } }]);
    const rejected = given(created(), [{ type: 'ChangeRequestRejected', data: { id: 'cr_1' } }, bob]);
    for (const command of [
      { kind: 'reject' },
      { kind: 'cancel' },
      { kind: 'replaceChanges', changes: [enable] },
    ] satisfies ChangeRequestCommand[])
      rejected.when(command, alice).thenFails('CHANGE_REQUEST_STATE');
  });

  it('is cancelled by its author or an admin, nobody else', () => {
    given(created())
      .when({ kind: 'cancel' }, alice)
      .then([{ type: 'ChangeRequestCancelled', data: { id: 'cr_1' } }]);
    given(created())
      .when({ kind: 'cancel' }, root)
      .then([{ type: 'ChangeRequestCancelled', data: { id: 'cr_1' } }]);
    given(created()).when({ kind: 'cancel' }, bob).thenFails('FORBIDDEN');
  });

  it('fails a scheduled request that could not apply, only from approved, and then it is final', () => {
    const failure = 'checkout moved to version 4';
    given(created(), approvedBy(bob))
      .when({ kind: 'fail', failure }, root)
      .then([{ type: 'ChangeRequestFailed', data: { id: 'cr_1', failure } }]);
    given(created()).when({ kind: 'fail', failure }, root).thenFails('CHANGE_REQUEST_STATE');
    const failed = given(created(), approvedBy(bob), [
      { type: 'ChangeRequestFailed', data: { id: 'cr_1', failure } },
      root,
    ]);
    expect(failed.state).toMatchObject({ state: 'failed', closingReason: failure });
    failed.when(apply, carol).thenFails('CHANGE_REQUEST_STATE');
  });

  describe('a break-glass review', () => {
    const review = breakGlassReview({
      seq: 42,
      streamId: 'checkout',
      version: 5,
      actor: 'alice',
      at: AT,
      reason: 'INC-7',
      data: { environment: 'production', breakGlass: true },
    });

    it('opens from the engage itself, needing review, naming the flag event', () => {
      expect(review).toMatchObject({
        id: 'bg_42',
        state: 'needs_review',
        author: 'alice',
        reason: 'INC-7',
        breakGlass: { flagKey: 'checkout', seq: 42 },
        changes: [{ flagKey: 'checkout', command: 'kill-switch/engage', baseVersion: 4 }],
        version: 0,
      });
    });

    it('is acknowledged by another person, never its author, admins included', () => {
      expect(decideChangeRequest({ kind: 'acknowledge', comment: 'ok' }, review, bob)).toEqual([
        { type: 'ChangeRequestAcknowledged', data: { id: 'bg_42', comment: 'ok' } },
      ]);
      expect(() => decideChangeRequest({ kind: 'acknowledge', comment: 'ok' }, review, alice)).toThrow(
        expect.objectContaining({ code: 'CHANGE_REQUEST_APPROVAL_REFUSED' }),
      );
      const byRoot = { ...review, author: 'root' };
      expect(() => decideChangeRequest({ kind: 'acknowledge', comment: 'ok' }, byRoot, root)).toThrow(
        expect.objectContaining({ code: 'CHANGE_REQUEST_APPROVAL_REFUSED' }),
      );
    });

    it('takes no other step, and acknowledging is final', () => {
      for (const command of [
        { kind: 'approve', comment: null },
        apply,
        { kind: 'reject' },
        { kind: 'cancel' },
        { kind: 'replaceChanges', changes: [enable] },
      ] satisfies ChangeRequestCommand[])
        expect(() => decideChangeRequest(command, review, bob)).toThrow(
          expect.objectContaining({ code: 'CHANGE_REQUEST_STATE' }),
        );
      const acknowledged = evolveChangeRequest(
        review,
        { type: 'ChangeRequestAcknowledged', data: { id: 'bg_42', comment: 'ok' } },
        { actor: 'bob', at: AT, reason: null, version: 1 },
      );
      expect(acknowledged).toMatchObject({ state: 'acknowledged', closedBy: 'bob', closingReason: 'ok' });
      expect(() => decideChangeRequest({ kind: 'acknowledge', comment: 'again' }, acknowledged, carol)).toThrow(
        expect.objectContaining({ code: 'CHANGE_REQUEST_STATE' }),
      );
      given(created()).when({ kind: 'acknowledge', comment: 'x' }, bob).thenFails('CHANGE_REQUEST_STATE');
    });
  });
});
