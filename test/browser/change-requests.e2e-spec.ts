import { sqliteOnly } from '../support/backend.js';
import { consoleInBrowser, seriousAxeViolations } from '../support/browser.js';
import { createFlag } from '../support/flags.js';
import { TOKENS } from '../support/tokens.js';

const IN_PRODUCTION = '/v1/environments/production/flags/checkout';

/**
 * Issue 15 item 6 in Chromium: in protected production a flag's panel offers "Request change" instead of
 * direct writes; another editor approves the request and applies it; an apply whose flag moved meanwhile
 * (here by a break-glass kill switch, which stays direct) is refused naming the flag; the break glass's
 * review shows on the front page until another editor acknowledges it.
 */
describe('change requests in Chromium', () => {
  let bob = '';
  const session = consoleInBrowser(async (t) => {
    await createFlag(t, 'checkout', { enabled: false });
    await t.as('admin').patch('/v1/environments/production').send({ requiredApprovals: 1 }).expect(200);
    bob = (await t.as('admin').post('/v1/tokens').send({ name: 'bob', role: 'editor' }).expect(201)).body.secret;
  });
  const page = () => session.page;
  const asBob = (method: 'get' | 'post', path: string) =>
    session.t.http()[method](path).set('Authorization', `Bearer ${bob}`);

  /** Signs out of the console and back in with bob's token, then opens `hash`. */
  async function switchToBob(hash: string) {
    await page().getByRole('button', { name: 'Sign out' }).click();
    await page().getByLabel('Token').waitFor();
    await session.signInWith(bob);
    await page().goto(`${session.t.url}/${hash}`);
  }

  sqliteOnly(
    'requests an enable from the flag, approved by another editor and applied, with the schedule shown',
    async () => {
      await session.signIn('editor');
      await page().goto(`${session.t.url}/#/flags/checkout`);
      const production = page().getByRole('region', { name: 'production' });
      await production.getByRole('button', { name: 'Request change' }).click();
      expect(await production.getByRole('button', { name: 'Enable' }).count()).toBe(0);
      const form = page().getByRole('dialog');
      await form.getByLabel('Title').fill('Open checkout to everyone');
      expect(await form.getByLabel('Command').inputValue()).toBe('enable');
      await form.getByLabel('Scheduled for').fill('2026-11-26T09:30');
      await form.getByLabel('Reason').fill('launch day');
      await form.getByRole('button', { name: 'Confirm' }).click();

      await page()
        .getByRole('heading', { name: /Open checkout to everyone/ })
        .waitFor();
      const hash = new URL(page().url()).hash;
      const id = decodeURIComponent(hash.replace('#/change-requests/', ''));
      await page().getByText('Scheduled for 2026-11-26 09:30 UTC').waitFor();
      expect(
        await page()
          .getByRole('row', { name: /checkout/ })
          .textContent(),
      ).toContain('enabled: false → true');
      // Four eyes: the author is offered no Approve, only Reject and Cancel.
      expect(await page().getByRole('button', { name: 'Approve' }).count()).toBe(0);
      await page().getByRole('button', { name: 'Cancel' }).waitFor();

      await switchToBob(hash);
      await page().getByRole('button', { name: 'Approve' }).click();
      await page().getByRole('dialog').getByLabel('Comment').fill('looks right');
      await page().getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
      await page().getByText('bob, 2026-11-25 12:00 UTC: looks right').waitFor();
      await page().getByRole('button', { name: 'Apply' }).click();
      await page().getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
      await page()
        .getByText(/applied by bob/)
        .waitFor();

      expect((await session.t.as('viewer').get(IN_PRODUCTION).expect(200)).body.enabled).toBe(true);
      expect((await asBob('get', `/v1/change-requests/${id}`).expect(200)).body).toMatchObject({
        state: 'applied',
        author: TOKENS.editor.name,
        scheduledAt: '2026-11-26T09:30:00.000Z',
        approvals: [{ by: 'bob', comment: 'looks right' }],
      });
      expect(await seriousAxeViolations(page())).toEqual([]);
    },
  );

  sqliteOnly(
    'engages the kill switch directly with a reason (break glass), an apply that moved names the flag, and another editor acknowledges the review',
    async () => {
      const flag = (await session.t.as('viewer').get(IN_PRODUCTION).expect(200)).body as { version: number };
      const created = await session.t
        .as('editor')
        .post('/v1/change-requests')
        .send({
          environment: 'production',
          title: 'Half of checkout',
          changes: [{ flagKey: 'checkout', command: 'rollout', value: 50, baseVersion: flag.version }],
        })
        .expect(201);
      const id = created.body.changeRequest.id as string;
      await asBob('post', `/v1/change-requests/${id}/approve`).send({}).expect(200);

      await session.signIn('editor');
      await page().goto(`${session.t.url}/#/flags/checkout`);
      await page()
        .getByRole('region', { name: 'production' })
        .getByRole('button', { name: 'Engage kill switch' })
        .click();
      const dialog = page().getByRole('dialog');
      expect(await dialog.getByLabel('Reason').getAttribute('required')).not.toBeNull();
      await dialog.getByLabel('Reason').fill('payments failing');
      await dialog.getByRole('button', { name: 'Confirm' }).click();
      await page().getByRole('region', { name: 'production' }).getByText('killed').waitFor();

      await page().goto(`${session.t.url}/#/change-requests/${encodeURIComponent(id)}`);
      await page()
        .getByRole('row', { name: /checkout/ })
        .getByText('conflict')
        .waitFor();
      await page().getByRole('button', { name: 'Apply' }).click();
      await page().getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
      const refusal = page().getByRole('alert');
      await refusal.getByText(/decided against versions that moved/).waitFor();
      expect(await refusal.getByRole('listitem').allTextContents()).toEqual([
        `checkout is at version ${flag.version + 1}, not ${flag.version}`,
      ]);
      expect((await session.t.as('viewer').get(IN_PRODUCTION).expect(200)).body.rolloutPercentage).toBe(100);

      // The review the break glass opened: on the front page for everyone, acknowledged by anyone but its engager.
      const notice = page().getByRole('region', { name: 'Break-glass reviews' });
      const review = notice.getByRole('link', { name: 'checkout in production' });
      await page().goto(`${session.t.url}/#/flags`);
      await review.click();
      await page().getByRole('heading', { name: 'What was engaged' }).waitFor();
      expect(await page().getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);

      await switchToBob('#/flags');
      expect(await notice.getByRole('listitem').allTextContents()).toEqual([
        `checkout in production: engaged by ${TOKENS.editor.name}, 2026-11-25 12:00 UTC, because payments failing`,
      ]);
      await review.click();
      await page().getByRole('button', { name: 'Acknowledge' }).waitFor();
      expect(
        await page()
          .getByRole('button', { name: /^(Approve|Reject|Apply|Cancel)$/ })
          .count(),
      ).toBe(0);
      expect(await seriousAxeViolations(page())).toEqual([]);
      await page().getByRole('button', { name: 'Acknowledge' }).click();
      const comment = page().getByRole('dialog').getByLabel('Comment');
      expect(await comment.getAttribute('required')).not.toBeNull();
      await comment.fill('right call, processor down');
      await page().getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
      await page().getByText('acknowledged by bob, 2026-11-25 12:00 UTC: right call, processor down').waitFor();
      expect(await page().getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);

      // The notice loads after the flags: wait for its answer and a render, so "gone" is not "not yet".
      const listed = page().waitForResponse((r) => r.url().endsWith('state=needs_review'));
      await page().goto(`${session.t.url}/#/flags`);
      await (await listed).finished();
      // In the page, where requestAnimationFrame exists (the tests compile without the DOM's types).
      await page().evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
      expect(await notice.count()).toBe(0);
      await page().goto(`${session.t.url}/#/change-requests`);
      await page().getByLabel('State').selectOption('acknowledged');
      await page()
        .getByRole('row', { name: /Break glass: kill switch engaged on checkout/ })
        .getByText('acknowledged')
        .waitFor();
      const reviews = (await asBob('get', '/v1/change-requests?state=acknowledged').expect(200)).body;
      expect(reviews.changeRequests).toMatchObject([
        { state: 'acknowledged', closedBy: 'bob', closingReason: 'right call, processor down' },
      ]);
      expect((await asBob('get', '/v1/change-requests?state=needs_review').expect(200)).body.changeRequests).toEqual(
        [],
      );
    },
  );
});
