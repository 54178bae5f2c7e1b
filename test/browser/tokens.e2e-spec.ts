import { sqliteOnly } from '../support/backend.js';
import { consoleInBrowser, seriousAxeViolations } from '../support/browser.js';
import { createFlag } from '../support/flags.js';
import { openRaw } from '../support/raw-database.js';
import { TOKENS } from '../support/tokens.js';

/**
 * Issue 14 item 6 in Chromium: the Tokens page issues a token whose secret is shown once (copied, then
 * gone from the page), revokes it with a reason, and lists who had access at an instant.
 */
describe('the tokens page in Chromium', () => {
  const session = consoleInBrowser(async (t) => {
    await createFlag(t, 'checkout', { enabled: true });
  });
  const page = () => session.page;

  /** POST /v1/evaluate with a bare secret, as a service holding the token would send it. */
  const evaluateWith = (secret: string) =>
    session.t
      .http()
      .post('/v1/evaluate')
      .set('Authorization', `Bearer ${secret}`)
      .send({ flagKey: 'checkout', context: { userId: 'u-1' } });

  /** Whether any string in the page's JavaScript heap, after a full garbage collection, contains `text`. */
  async function heapHolds(text: string): Promise<boolean> {
    const cdp = await session.context.newCDPSession(page());
    let snapshot = '';
    cdp.on('HeapProfiler.addHeapSnapshotChunk', ({ chunk }) => (snapshot += chunk));
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    await cdp.detach();
    return snapshot.includes(text);
  }

  sqliteOnly(
    'issues a token, shows its secret once with Copy, rotates it, revokes it with a reason, and shows it as of before',
    async () => {
      await session.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: session.t.url });
      await session.signIn('admin');
      await page().getByRole('link', { name: 'Tokens' }).click();
      const form = page().getByRole('form', { name: 'Issue a token' });
      await form.getByLabel('Name').fill('ci-deploy');
      await form.getByLabel('Role').selectOption('evaluator');
      expect(await form.getByLabel('All environments').isChecked()).toBe(true);
      await form.getByLabel('Reason').fill('the deploy pipeline');
      await form.getByRole('button', { name: 'Issue token' }).click();

      const panel = page().getByRole('region', { name: /The secret of ci-deploy/ });
      await panel.getByText('It will not be shown again.').waitFor();
      const secret = (await panel.locator('code').textContent()) ?? '';
      expect(secret).toMatch(/^flg_[A-Za-z0-9_-]{43}$/);
      await panel.getByRole('button', { name: 'Copy' }).click();
      await panel.getByText('Copied').waitFor();
      // A string, not a function: the root tsconfig has no DOM types, and this runs in the page.
      expect(await page().evaluate<string>('navigator.clipboard.readText()')).toBe(secret);
      const violations = await seriousAxeViolations(page());
      expect(violations).toEqual([]);
      await evaluateWith(secret).expect(200);

      await panel.getByRole('button', { name: 'Done' }).click();
      await panel.waitFor({ state: 'detached' });
      expect(await page().content()).not.toContain(secret);

      const row = page().getByRole('row', { name: /ci-deploy/ });
      expect((await row.getByRole('cell').allTextContents()).slice(0, 6)).toEqual([
        'evaluator',
        'all',
        'API',
        `${TOKENS.admin.name}, 2026-11-25 12:00 UTC`,
        'never',
        expect.any(String),
      ]);
      await row.getByRole('button', { name: 'Rotate ci-deploy' }).click();
      await page().getByRole('dialog').getByLabel('Grace period (seconds)').fill('0');
      await page().getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
      const rotated = page().getByRole('region', { name: 'The secret of ci-deploy (rotated)' });
      const newSecret = (await rotated.locator('code').textContent()) ?? '';
      expect(newSecret).toMatch(/^flg_[A-Za-z0-9_-]{43}$/);
      await evaluateWith(secret).expect(401);
      await evaluateWith(newSecret).expect(200);
      await rotated.getByRole('button', { name: 'Done' }).click();
      await rotated.waitFor({ state: 'detached' });

      session.t.clock.advance(60_000);
      await row.getByRole('button', { name: 'Revoke ci-deploy' }).click();
      const dialog = page().getByRole('dialog');
      await dialog.getByLabel('Reason').fill('leaked in a build log');
      await dialog.getByRole('button', { name: 'Confirm' }).click();
      await row.getByRole('cell', { name: '2026-11-25 12:01 UTC' }).waitFor();
      expect(await row.getByRole('button').count()).toBe(0);
      await evaluateWith(newSecret).expect(401);
      // Token events are not in the flag timeline (GET /v1/audit): the log itself holds the reason.
      const db = openRaw(session.t.dbPath);
      try {
        expect(db.prepare("SELECT actor, reason FROM events WHERE type = 'TokenRevoked'").all()).toEqual([
          { actor: TOKENS.admin.name, reason: 'leaked in a build log' },
        ]);
      } finally {
        db.close();
      }

      await page().getByLabel('As of').fill('2026-11-25T12:00:30');
      await page().getByRole('button', { name: 'Show who had access then' }).click();
      await page().getByText('The tokens valid at 2026-11-25 12:00:30 UTC').waitFor();
      expect(await row.getByRole('cell').last().textContent()).toBe('—');
      await page().getByRole('button', { name: 'Back to now' }).click();
      await row.getByRole('cell', { name: '2026-11-25 12:01 UTC' }).waitFor();
      // Not only the DOM: no state, closure or detached node of the page holds it. Checked once the page has
      // rendered again since "Done", because React keeps the render before the latest one as a spare.
      expect([await heapHolds(secret), await heapHolds(newSecret)]).toEqual([false, false]);
    },
  );

  sqliteOnly('shows no Tokens link to an editor, and says the page is for admins only', async () => {
    await session.signIn('editor');
    expect(await page().getByRole('link', { name: 'Tokens' }).count()).toBe(0);
    await page().goto(`${session.t.url}/#/tokens`);
    await page().getByText('Admins only').waitFor();
  });
});
