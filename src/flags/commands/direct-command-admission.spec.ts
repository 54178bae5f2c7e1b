import type { FlagCommand } from '../flag.commands.js';
import { admitDirectCommand } from './direct-command-admission.js';

const PROTECTED = { key: 'production', requiredApprovals: 2 };
const OPEN = { key: 'staging', requiredApprovals: 0 };

const STATE_COMMANDS: FlagCommand[] = [
  { kind: 'enable' },
  { kind: 'disable' },
  { kind: 'releaseKillSwitch' },
  { kind: 'changeRollout', percentage: 50 },
  { kind: 'changeSegments', segments: ['beta'] },
  { kind: 'copyState', from: 'staging' },
];

const DIRECT_COMMANDS: [string, FlagCommand][] = [
  ['changeDetails', { kind: 'changeDetails', changes: { owner: 'payments' } }],
  ['archive', { kind: 'archive' }],
  ['restore', { kind: 'restore' }],
  ['create', { kind: 'create', input: { key: 'checkout', type: 'operational', owner: 'payments' } }],
  [
    'create with enabled: false',
    { kind: 'create', input: { key: 'checkout', type: 'operational', owner: 'payments', enabled: false } },
  ],
];

function refusalOf(run: () => unknown): { code: string; message: string; errors?: { field: string }[] } {
  try {
    run();
  } catch (error) {
    return error as { code: string; message: string; errors?: { field: string }[] };
  }
  throw new Error('expected a refusal, but the command was admitted');
}

describe('admitDirectCommand', () => {
  it.each(STATE_COMMANDS)('refuses $kind in a protected environment, naming it, its approvals and the way in', (c) => {
    const refusal = refusalOf(() => admitDirectCommand(c, PROTECTED, 'INC-1'));
    expect(refusal.code).toBe('CHANGE_REQUEST_REQUIRED');
    expect(refusal.message).toContain("environment 'production' requires 2 approvals");
    expect(refusal.message).toContain('POST /v1/change-requests');
  });

  it('says "1 approval" for one', () => {
    const refusal = refusalOf(() =>
      admitDirectCommand({ kind: 'enable' }, { ...PROTECTED, requiredApprovals: 1 }, null),
    );
    expect(refusal.message).toContain('requires 1 approval for');
  });

  it('refuses a create that switches the flag on, naming enabled', () => {
    const create: FlagCommand = {
      kind: 'create',
      input: { key: 'checkout', type: 'operational', owner: 'payments', enabled: true },
    };
    const refusal = refusalOf(() => admitDirectCommand(create, PROTECTED, null));
    expect(refusal).toMatchObject({ code: 'CHANGE_REQUEST_REQUIRED', errors: [{ field: 'enabled' }] });
  });

  it.each(DIRECT_COMMANDS)('lets %s through unchanged in a protected environment', (_, c) => {
    expect(admitDirectCommand(c, PROTECTED, null)).toBe(c);
  });

  it.each([...STATE_COMMANDS, { kind: 'engageKillSwitch' } as FlagCommand])(
    'lets $kind through unchanged where no approval is required',
    (c) => {
      expect(admitDirectCommand(c, OPEN, null)).toBe(c);
    },
  );

  it('marks a kill switch engaged with a reason in a protected environment as break glass', () => {
    expect(admitDirectCommand({ kind: 'engageKillSwitch' }, PROTECTED, 'INC-7 checkout errors')).toEqual({
      kind: 'engageKillSwitch',
      breakGlass: true,
    });
  });

  it.each([null, '', '   '])('refuses break glass without a reason (%p), naming reason', (reason) => {
    const refusal = refusalOf(() => admitDirectCommand({ kind: 'engageKillSwitch' }, PROTECTED, reason));
    expect(refusal).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'reason' }] });
  });
});
