import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { WallClock } from '../support/clock.js';
import { readmeWalkthrough } from '../support/readme-block.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TOKENS } from '../support/tokens.js';

const run = promisify(execFile);

/** Issue 14, done when: the README's "Access" section works as written. */
describe("README's Access walk-through, run with bash and curl against a fresh server", () => {
  let t: TestApp;
  beforeAll(async () => {
    // The script's times are the machine's (expiries `in_days`, an instant between two of its steps).
    t = await startTestApp({ clock: new WallClock() });
  });
  afterAll(() => t.close());

  it('issues per-person and per-service tokens, rotates a leaked one, revokes, and answers who had access when', async () => {
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', readmeWalkthrough('access-walkthrough')], {
      env: { ...process.env, FL: t.url, ADMIN: TOKENS.admin.secret },
    });
    const lines = stdout.trim().split('\n');
    // 1: the actor of Alice's change; 2: the staging service's three answers; 3: the leaked token in its
    // grace period, the new one, Alice after revocation.
    expect(lines.slice(0, 7)).toEqual(['alice@example.com', '200', '403', '403', '200', '200', '401']);
    // 4: who could change production at the rotation: the configured admin and editor, and Alice.
    expect(lines.slice(7, 10)).toEqual([
      `${TOKENS.admin.name} (admin, config)`,
      `${TOKENS.editor.name} (editor, config)`,
      'alice@example.com (editor, api)',
    ]);
    // And each change to access: instant, actor, type, token, reason.
    const changes = lines.slice(10).map((line) => line.split(' '));
    expect(changes.map(([at]) => Number.isNaN(Date.parse(at!)))).toEqual([false, false, false, false]);
    expect(changes.map((words) => words.slice(1, 3).join(' '))).toEqual([
      `${TOKENS.admin.name} TokenIssued`,
      `${TOKENS.admin.name} TokenIssued`,
      `${TOKENS.admin.name} TokenRotated`,
      `${TOKENS.admin.name} TokenRevoked`,
    ]);
    expect(lines.slice(10)).toEqual([
      expect.stringContaining('alice@example.com joined payments'),
      expect.stringContaining('checkout-staging checkout service, staging'),
      expect.stringContaining('INC-42 leaked'),
      expect.stringContaining('left the company'),
    ]);
  });
});
