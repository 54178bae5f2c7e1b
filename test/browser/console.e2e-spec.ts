import { sqliteOnly } from '../support/backend.js';
import { consoleInBrowser, seriousAxeViolations } from '../support/browser.js';
import { command, createFlag } from '../support/flags.js';
import { TOKENS, type RoleName } from '../support/tokens.js';

/**
 * docs/contract.md §8 and issue 13 in a real browser: Debian's Chromium driven by playwright-core, against
 * the real server on a temp database serving the console built as `npm run build` builds it.
 */
describe('the console in Chromium', () => {
  const session = consoleInBrowser(async (t) => {
    await t.as('admin').post('/v1/environments').send({ key: 'staging', name: 'Staging', type: 'staging' }).expect(201);
    await createFlag(t, 'checkout', { enabled: true, description: 'New checkout' });
    await command(t, 'post', '/v1/environments/staging/flags/checkout/kill-switch/engage');
  });
  const signIn = (role: RoleName) => session.signIn(role);

  /** A request from inside the signed-in page, with the browser's cookie (and the CSRF value only if asked). */
  function fetchFromPage(path: string, init: { method: string; csrf: boolean }) {
    return session.page.evaluate(
      async ({ path, init }) => {
        const session = (await (await fetch('/v1/session')).json()) as { csrf: string };
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (init.csrf) headers['x-flagledger-csrf'] = session.csrf;
        const res = await fetch(path, { method: init.method, headers, body: '{}' });
        return { status: res.status, body: (await res.json()) as { code?: string } };
      },
      { path, init },
    );
  }

  sqliteOnly('signs in with a token, shows the flags, and signs out', async () => {
    await session.page.goto(session.t.url);
    await session.page.getByLabel('Token').fill('not-a-token');
    await session.page.getByRole('button', { name: 'Sign in' }).click();
    await session.page.getByText('This token is not known to the server.').waitFor();

    await signIn('editor');
    await session.page.getByText(`${TOKENS.editor.name} (editor)`).waitFor();
    const cookies = await session.context.cookies();
    expect(cookies).toEqual([
      expect.objectContaining({ name: 'flagledger_session', httpOnly: true, sameSite: 'Strict' }),
    ]);
    // A reload keeps the session: the cookie, not the page, holds it.
    await session.page.reload();
    await session.page.getByRole('heading', { name: 'Flags' }).waitFor();

    await session.page.getByRole('button', { name: 'Sign out' }).click();
    await session.page.getByLabel('Token').waitFor();
    expect((await fetchFromPage('/v1/flags/checkout/enable', { method: 'POST', csrf: false })).status).toBe(401);
  });

  sqliteOnly('goes back to sign-in when the session expires', async () => {
    await signIn('viewer');
    session.t.clock.advance(61 * 60_000);
    await session.page.getByRole('link', { name: 'Environments' }).click();
    await session.page.getByLabel('Token').waitFor();
  });

  sqliteOnly('shows each flag with its status in every environment', async () => {
    await signIn('viewer');
    const row = session.page.getByRole('row', { name: /checkout/ });
    await row.waitFor();
    expect(await row.getByRole('cell').allTextContents()).toEqual(
      expect.arrayContaining(['release', 'payments-team', '2027-03-01', 'on', 'killed']),
    );
    await session.page.getByLabel('Search flags').fill('nothing-like-this');
    await session.page.getByText('0 of 1 flags shown.').waitFor();
  });

  sqliteOnly(
    'shows a viewer no write controls, and the server refuses a write forged from the page (403)',
    async () => {
      await signIn('viewer');
      expect(await session.page.getByText('Create a flag').count()).toBe(0);
      const forged = await fetchFromPage('/v1/flags/checkout/disable', { method: 'POST', csrf: true });
      expect(forged).toEqual({ status: 403, body: expect.objectContaining({ code: 'FORBIDDEN' }) });
      expect((await session.t.as('viewer').get('/v1/flags/checkout').expect(200)).body.enabled).toBe(true);
    },
  );

  sqliteOnly(
    'refuses a cookie-authenticated write without the X-Flagledger-CSRF header (403), and takes it with',
    async () => {
      await signIn('editor');
      const without = await fetchFromPage('/v1/flags/checkout/disable', { method: 'POST', csrf: false });
      expect(without).toEqual({ status: 403, body: expect.objectContaining({ code: 'CSRF_FAILED' }) });
      expect((await session.t.as('viewer').get('/v1/flags/checkout').expect(200)).body.enabled).toBe(true);
      const withHeader = await fetchFromPage('/v1/flags/checkout/disable', { method: 'POST', csrf: true });
      expect(withHeader.status).toBe(200);
    },
  );

  sqliteOnly(
    "creates a flag, showing the API's message beside a bad field and writing nothing until it is fixed",
    async () => {
      await signIn('editor');
      await session.page.getByText('Create a flag').click();
      const form = session.page.getByRole('form', { name: 'Create a flag' });
      await form.getByLabel('Key').fill('Bad Key!');
      await form.getByLabel('Owner').fill('growth');
      await form.getByLabel('Expires at').fill('2027-05-01T00:00');
      await form.getByRole('button', { name: 'Create flag' }).click();
      const key = form.getByLabel('Key');
      await session.page.waitForSelector('[aria-invalid="true"]');
      expect(await key.getAttribute('aria-invalid')).toBe('true');
      const message = await session.page.locator(`#${await key.getAttribute('aria-describedby')}`).textContent();
      expect(message).toMatch(/must match/);
      expect((await session.t.as('viewer').get('/v1/flags').expect(200)).body.flags).toHaveLength(1);

      await key.fill('new-onboarding');
      await form.getByRole('button', { name: 'Create flag' }).click();
      await session.page.getByRole('row', { name: /new-onboarding/ }).waitFor();
      expect((await session.t.as('viewer').get('/v1/flags/new-onboarding').expect(200)).body).toMatchObject({
        owner: 'growth',
        createdBy: TOKENS.editor.name,
      });
    },
  );

  sqliteOnly('lists environments and lets an admin create one', async () => {
    await signIn('admin');
    await session.page.getByRole('link', { name: 'Environments' }).click();
    await session.page.getByRole('heading', { name: 'Environments' }).waitFor();
    const form = session.page.getByRole('form', { name: 'Create an environment' });
    await form.getByLabel('Key').fill('dev');
    await form.getByLabel('Name').fill('Development');
    await form.getByLabel('Type').selectOption('development');
    await form.getByRole('button', { name: 'Create environment' }).click();
    await session.page.getByRole('row', { name: /Development/ }).waitFor();
    expect((await session.t.as('viewer').get('/v1/environments/dev').expect(200)).body).toMatchObject({
      createdBy: TOKENS.admin.name,
    });
  });

  sqliteOnly('has no serious or critical accessibility violations on any page (axe-core)', async () => {
    await session.page.goto(session.t.url);
    await session.page.getByLabel('Token').waitFor();
    const pages: Record<string, unknown> = { 'sign-in': await seriousAxeViolations(session.page) };
    await signIn('admin');
    await session.page.getByRole('row', { name: /checkout/ }).waitFor();
    pages.flags = await seriousAxeViolations(session.page);
    await session.page.getByRole('link', { name: 'Environments' }).click();
    await session.page.getByRole('form', { name: 'Create an environment' }).waitFor();
    pages.environments = await seriousAxeViolations(session.page);
    expect(pages).toEqual({ 'sign-in': [], flags: [], environments: [] });
  });
});
