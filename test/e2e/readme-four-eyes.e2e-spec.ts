import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { WallClock } from '../support/clock.js';
import { readmeWalkthrough } from '../support/readme-block.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TOKENS } from '../support/tokens.js';

const run = promisify(execFile);

/** Issue 15, done when: the README's "Four eyes" section works as written. */
describe("README's Four eyes walk-through, run with bash and curl against a fresh server", () => {
  let t: TestApp;
  beforeAll(async () => {
    // The machine's clock and the production schedule tick: the block sleeps while its schedule comes.
    t = await startTestApp({ clock: new WallClock(), scheduleTickMs: 1000 });
  });
  afterAll(() => t.close());

  it('protects production, requests, approves, applies, schedules, breaks glass and exports', async () => {
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', readmeWalkthrough('four-eyes-walkthrough')], {
      env: { ...process.env, FL: t.url, ADMIN: TOKENS.admin.secret },
    });
    const lines = stdout.trim().split('\n');
    expect(lines.slice(0, 11)).toEqual([
      '409',
      'new_checkout: enabled false → true',
      '403',
      'approved',
      expect.stringMatching(/^FlagEnabled by dana@example\.com, from cr_\S+, approved by erik@example\.com$/),
      'applied by system:scheduler',
      '50',
      'true',
      'flagledger_unreviewed_break_glass 1',
      'acknowledged',
      expect.stringMatching(/^ChangeRequestCreated dana@example\.com cr_\S+ PAY-12$/),
    ]);
    const exported = lines.slice(10, -1).map((line) => line.split(' ').slice(0, 2).join(' '));
    expect(exported).toEqual([
      'ChangeRequestCreated dana@example.com',
      'ChangeRequestApproved erik@example.com',
      'FlagEnabled dana@example.com',
      'ChangeRequestApplied dana@example.com',
      'ChangeRequestCreated dana@example.com',
      'ChangeRequestApproved erik@example.com',
      'FlagRolloutChanged system:scheduler',
      'ChangeRequestApplied system:scheduler',
      'FlagKillSwitchEngaged dana@example.com',
      'ChangeRequestAcknowledged erik@example.com',
    ]);
    expect(lines.at(-1)).toBe('true');
  });
});
