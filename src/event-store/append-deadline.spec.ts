import { AppendDeadlinePassedError, assertBeforeDeadline } from './append-deadline.js';

describe('assertBeforeDeadline', () => {
  it('given every member in time, lets the group commit and marks each as committing', () => {
    const group = [
      { deadline: 2_000, committing: { sent: false } },
      { deadline: 3_000, committing: { sent: false } },
      {},
    ];
    assertBeforeDeadline(group, 1_000, 1_500);
    expect(group.map((member) => member.committing?.sent)).toEqual([true, true, undefined]);
  });

  it('given one member past its deadline, refuses the whole group and marks none', () => {
    const group = [
      { deadline: 2_000, committing: { sent: false } },
      { deadline: 1_000, committing: { sent: false } },
    ];
    expect(() => assertBeforeDeadline(group, 1_000, 1_500)).toThrow(AppendDeadlinePassedError);
    expect(group.map((member) => member.committing.sent)).toEqual([false, false]);
  });
});
