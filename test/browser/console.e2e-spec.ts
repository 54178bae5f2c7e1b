import type { Browser, BrowserContext, Page } from 'playwright-core';
import { sqliteOnly } from '../support/backend.js';
import { buildConsole, launchChromium, seriousAxeViolations } from '../support/browser.js';
import { command, createFlag } from '../support/flags.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TOKENS, type RoleName } from '../support/tokens.js';

/**
 * docs/contract.md §8 and issue 13 in a real browser: Debian's Chromium driven by playwright-core, against
 * the real server on a temp database serving the console built as `npm run build` builds it.
 */
describe('the console in Chromium', () => {
  let built: ReturnType<typeof buildConsole>;
  let browser: Browser;
  let t: TestApp;
  let context: BrowserContext;
  let page: Page;
  /** Every Content-Security-Policy refusal the browser reported: there must be none. */
  let refusals: string[];

  beforeAll(async () => {
    built = buildConsole();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    built?.cleanup();
  });
  beforeEach(async () => {
    t = await startTestApp({ consoleDir: built.dir });
    await t.as('admin').post('/v1/environments').send({ key: 'staging', name: 'Staging', type: 'staging' }).expect(201);
    await createFlag(t, 'checkout', { enabled: true, description: 'New checkout' });
    await command(t, 'post', '/v1/environments/staging/flags/checkout/kill-switch/engage');
    context = await browser.newContext();
    page = await context.newPage();
    refusals = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) refusals.push(message.text());
    });
  });
  afterEach(async () => {
    await context?.close();
    await t?.close();
    expect(refusals).toEqual([]);
  });

  async function signIn(role: RoleName) {
    await page.goto(t.url);
    await page.getByLabel('Token').fill(TOKENS[role].secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The table, not just the heading (shown while the flags load): what the page offers is decided by then.
    await page.getByRole('row', { name: /checkout/ }).waitFor();
  }

  /** A request from inside the signed-in page, with the browser's cookie (and the CSRF value only if asked). */
  function fetchFromPage(path: string, init: { method: string; csrf: boolean }) {
    return page.evaluate(
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
    await page.goto(t.url);
    await page.getByLabel('Token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('This token is not known to the server.').waitFor();

    await signIn('editor');
    await page.getByText(`${TOKENS.editor.name} (editor)`).waitFor();
    const cookies = await context.cookies();
    expect(cookies).toEqual([
      expect.objectContaining({ name: 'flagledger_session', httpOnly: true, sameSite: 'Strict' }),
    ]);
    // A reload keeps the session: the cookie, not the page, holds it.
    await page.reload();
    await page.getByRole('heading', { name: 'Flags' }).waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Token').waitFor();
    expect((await fetchFromPage('/v1/flags/checkout/enable', { method: 'POST', csrf: false })).status).toBe(401);
  });

  sqliteOnly('shows each flag with its status in every environment', async () => {
    await signIn('viewer');
    const row = page.getByRole('row', { name: /checkout/ });
    await row.waitFor();
    expect(await row.getByRole('cell').allTextContents()).toEqual(
      expect.arrayContaining(['release', 'payments-team', '2027-03-01', 'on', 'killed']),
    );
    await page.getByLabel('Search flags').fill('nothing-like-this');
    await page.getByText('0 of 1 flags shown.').waitFor();
  });

  sqliteOnly(
    'shows a viewer no write controls, and the server refuses a write forged from the page (403)',
    async () => {
      await signIn('viewer');
      expect(await page.getByText('Create a flag').count()).toBe(0);
      const forged = await fetchFromPage('/v1/flags/checkout/disable', { method: 'POST', csrf: true });
      expect(forged).toEqual({ status: 403, body: expect.objectContaining({ code: 'FORBIDDEN' }) });
      expect((await t.as('viewer').get('/v1/flags/checkout').expect(200)).body.enabled).toBe(true);
    },
  );

  sqliteOnly(
    'refuses a cookie-authenticated write without the X-Flagledger-CSRF header (403), and takes it with',
    async () => {
      await signIn('editor');
      const without = await fetchFromPage('/v1/flags/checkout/disable', { method: 'POST', csrf: false });
      expect(without).toEqual({ status: 403, body: expect.objectContaining({ code: 'CSRF_FAILED' }) });
      expect((await t.as('viewer').get('/v1/flags/checkout').expect(200)).body.enabled).toBe(true);
      const withHeader = await fetchFromPage('/v1/flags/checkout/disable', { method: 'POST', csrf: true });
      expect(withHeader.status).toBe(200);
    },
  );

  sqliteOnly(
    "creates a flag, showing the API's message beside a bad field and writing nothing until it is fixed",
    async () => {
      await signIn('editor');
      await page.getByText('Create a flag').click();
      const form = page.getByRole('form', { name: 'Create a flag' });
      await form.getByLabel('Key').fill('Bad Key!');
      await form.getByLabel('Owner').fill('growth');
      await form.getByLabel('Expires at').fill('2027-05-01T00:00');
      await form.getByRole('button', { name: 'Create flag' }).click();
      const key = form.getByLabel('Key');
      await page.waitForSelector('[aria-invalid="true"]');
      expect(await key.getAttribute('aria-invalid')).toBe('true');
      const message = await page.locator(`#${await key.getAttribute('aria-describedby')}`).textContent();
      expect(message).toMatch(/must match/);
      expect((await t.as('viewer').get('/v1/flags').expect(200)).body.flags).toHaveLength(1);

      await key.fill('new-onboarding');
      await form.getByRole('button', { name: 'Create flag' }).click();
      await page.getByRole('row', { name: /new-onboarding/ }).waitFor();
      expect((await t.as('viewer').get('/v1/flags/new-onboarding').expect(200)).body).toMatchObject({
        owner: 'growth',
        createdBy: TOKENS.editor.name,
      });
    },
  );

  sqliteOnly('lists environments and lets an admin create one', async () => {
    await signIn('admin');
    await page.getByRole('link', { name: 'Environments' }).click();
    await page.getByRole('heading', { name: 'Environments' }).waitFor();
    const form = page.getByRole('form', { name: 'Create an environment' });
    await form.getByLabel('Key').fill('dev');
    await form.getByLabel('Name').fill('Development');
    await form.getByLabel('Type').selectOption('development');
    await form.getByRole('button', { name: 'Create environment' }).click();
    await page.getByRole('row', { name: /Development/ }).waitFor();
    expect((await t.as('viewer').get('/v1/environments/dev').expect(200)).body).toMatchObject({
      createdBy: TOKENS.admin.name,
    });
  });

  sqliteOnly('has no serious or critical accessibility violations on any page (axe-core)', async () => {
    await page.goto(t.url);
    await page.getByLabel('Token').waitFor();
    const pages: Record<string, unknown> = { 'sign-in': await seriousAxeViolations(page) };
    await signIn('admin');
    await page.getByRole('row', { name: /checkout/ }).waitFor();
    pages.flags = await seriousAxeViolations(page);
    await page.getByRole('link', { name: 'Environments' }).click();
    await page.getByRole('form', { name: 'Create an environment' }).waitFor();
    pages.environments = await seriousAxeViolations(page);
    expect(pages).toEqual({ 'sign-in': [], flags: [], environments: [] });
  });
});
