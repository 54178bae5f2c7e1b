import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { runCli } from '../../src/cli/run-cli.js';
import { sqliteOnly } from '../support/backend.js';
import { consoleInBrowser, seriousAxeViolations } from '../support/browser.js';
import { command, createFlag } from '../support/flags.js';
import { tempDir } from '../support/temp-dir.js';
import type { TestApp } from '../support/test-app.js';
import { testCliEnv } from '../support/test-databases.js';
import { TOKENS, type RoleName } from '../support/tokens.js';

const DAY = 86_400_000;
const ADMIN = TOKENS.admin.name;
const EDITOR = TOKENS.editor.name;

/**
 * Issue 13 items 5 and 6 in Chromium: the audit page (timeline, filters, cursor paging, export, chain
 * verification) and the stale flags page (the monthly cleanup). The shared setup of test/support/browser.ts.
 */
describe('the audit and stale flags pages in Chromium', () => {
  const files = tempDir();
  /**
   * The log every test starts from: seq 1 staging created by the admin, 2–3 the editor creating and
   * enabling checkout in production, 4 the admin engaging its kill switch in staging, 5 the editor's
   * rollout change in staging.
   */
  const session = consoleInBrowser(async (t) => {
    await t.as('admin').post('/v1/environments').send({ key: 'staging', name: 'Staging', type: 'staging' }).expect(201);
    await createFlag(t, 'checkout', { description: 'New checkout' });
    await command(t, 'post', '/v1/flags/checkout/enable');
    await command(
      t,
      'post',
      '/v1/environments/staging/flags/checkout/kill-switch/engage',
      { reason: 'staging incident' },
      'admin',
    );
    await command(t, 'put', '/v1/environments/staging/flags/checkout/rollout', { percentage: 50 });
  });
  let t: TestApp;
  let page: Page;
  beforeEach(() => {
    ({ t, page } = session);
  });
  afterAll(() => files.cleanup());

  const signIn = (role: RoleName) => session.signIn(role);

  async function openPage(role: RoleName, link: 'Audit' | 'Stale flags') {
    await signIn(role);
    await page.getByRole('navigation').getByRole('link', { name: link, exact: true }).click();
    await page.getByRole('heading', { name: link, exact: true, level: 1 }).waitFor();
  }

  /** The timeline's rows once the answer for the filters on screen is in: [seq, time, actor, type, flag, environment, …]. */
  async function timelineRows(): Promise<string[][]> {
    const table = page.getByRole('table', { name: 'Timeline entries' });
    await page.locator('table[aria-label="Timeline entries"][aria-busy="false"]').waitFor();
    return table
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((row) => [...row.children].map((cell) => cell.textContent ?? '')));
  }
  const seqs = (rows: string[][]) => rows.map((row) => Number(row[0]));
  const form = () => page.getByRole('form', { name: 'Filter the timeline' });
  const apply = () => form().getByRole('button', { name: 'Apply filters' }).click();

  sqliteOnly('filters the timeline by actor and by environment, each entry labelled with its environment', async () => {
    // seq 6 issues a token (no audit entry: not a flag or environment event), seq 7 is its change.
    const { token, secret } = (
      await t.as('admin').post('/v1/tokens').send({ name: 'release-bot', role: 'editor' }).expect(201)
    ).body;
    await t.http().post('/v1/flags/checkout/disable').set('Authorization', `Bearer ${secret}`).send({}).expect(200);
    await openPage('viewer', 'Audit');
    expect((await timelineRows()).map((row) => [row[0], row[2], row[3], row[5]])).toEqual([
      ['1', ADMIN, 'EnvironmentCreated', '—'],
      ['2', EDITOR, 'FlagCreated', 'production'],
      ['3', EDITOR, 'FlagEnabled', 'production'],
      ['4', ADMIN, 'FlagKillSwitchEngaged', 'staging'],
      ['5', EDITOR, 'FlagRolloutChanged', 'staging'],
      ['7', `release-bot (${token.id})`, 'FlagDisabled', 'production'],
    ]);

    await form().getByLabel('Actor').fill(ADMIN);
    await apply();
    const byAdmin = await timelineRows();
    expect(seqs(byAdmin)).toEqual([1, 4]);
    expect(byAdmin[1]).toEqual(expect.arrayContaining(['checkout', 'staging', 'staging incident', 'false → true']));

    await form().getByLabel('Actor').fill('');
    await form()
      .getByRole('combobox', { name: /^Environment/ })
      .selectOption('staging');
    await apply();
    expect(seqs(await timelineRows())).toEqual([4, 5]);
  });

  sqliteOnly('pages through the timeline by cursor', async () => {
    for (const percentage of [10, 20, 30, 40, 60, 70, 80, 90, 95])
      await command(t, 'put', '/v1/flags/checkout/rollout', { percentage });
    await openPage('viewer', 'Audit');
    await form().getByLabel('Entries per page').selectOption('10');
    await apply();
    expect(seqs(await timelineRows())).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const previous = page.getByRole('button', { name: 'Previous page' });
    const next = page.getByRole('button', { name: 'Next page' });
    expect(await previous.isDisabled()).toBe(true);

    await next.click();
    expect(seqs(await timelineRows())).toEqual([11, 12, 13, 14]);
    await page.getByText('Page 2: seq 11 to 14 (4 entries), the last page.').waitFor();
    expect(await next.isDisabled()).toBe(true);

    await previous.click();
    expect(seqs(await timelineRows())).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  sqliteOnly('downloads the filtered timeline as NDJSON, and verify-export accepts it', async () => {
    await t.as('admin').post('/v1/admin/checkpoints').expect(201);
    await openPage('viewer', 'Audit');
    await form().getByLabel('Actor').fill(EDITOR);
    await apply();
    const shown = seqs(await timelineRows());
    expect(shown).toEqual([2, 3, 5]);
    expect(await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href')).toBe(
      `/v1/export?format=csv&actor=${EDITOR}&environment=*`,
    );

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export NDJSON' }).click(),
    ]);
    const file = join(files.dir, download.suggestedFilename());
    await download.saveAs(file);
    const lines = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    const rows = lines.slice(0, -1) as { seq: number; actor: string; environment: string }[];
    expect(rows.map((row) => [row.seq, row.actor, row.environment])).toEqual([
      [2, EDITOR, 'production'],
      [3, EDITOR, 'production'],
      [5, EDITOR, 'staging'],
    ]);
    expect(lines.at(-1).manifest).toMatchObject({ count: 3, filters: { actor: EDITOR, environment: ['*'] } });

    const keyFile = join(files.dir, 'auditor.pem');
    writeFileSync(keyFile, (await t.as('viewer').get('/v1/audit/public-key').expect(200)).body.publicKeyPem);
    let out = '';
    const io = { out: (text: string) => (out += text), err: () => undefined, env: testCliEnv() };
    const code = await runCli(['verify-export', file, '--public-key', keyFile], io);
    expect(JSON.parse(out)).toMatchObject({ ok: true, rows: 3, firstSeq: 2, lastSeq: 5, checkpoint: 'verified' });
    expect(code).toBe(0);
  });

  sqliteOnly(
    'shows the chain verified with its head seq, and the newest signed checkpoint with its key id',
    async () => {
      await t.as('admin').post('/v1/admin/checkpoints').expect(201);
      await command(t, 'post', '/v1/flags/checkout/disable');
      const { keyId } = (await t.as('viewer').get('/v1/audit/public-key').expect(200)).body as { keyId: string };
      await openPage('viewer', 'Audit');
      const integrity = page.getByRole('region', { name: 'Chain integrity' });
      await integrity.getByText('Chain verified').waitFor();
      const text = await integrity.textContent();
      expect(text).toContain('6 events, head seq 6');
      expect(text).toContain(
        `Newest signed checkpoint: seq 5, 2026-11-25 12:00 UTC, signed with key ${keyId} (the server's current key)`,
      );
    },
  );

  sqliteOnly('lists a stale flag by owner, and an editor archives it with a reason, by keyboard', async () => {
    t.clock.advance(31 * DAY);
    await openPage('editor', 'Stale flags');
    const row = page.getByRole('row', { name: /checkout/ });
    expect(await row.getByRole('cell').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('RELEASE_FULLY_ROLLED_OUT'), 'payments-team', '—', '31']),
    );
    await page.getByRole('heading', { name: 'payments-team (1)' }).waitFor();

    await row.getByRole('button', { name: 'Clean up checkout' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('form', { name: 'Archive checkout' }).waitFor();
    const panelHeading = page.getByRole('heading', { name: 'Clean up checkout' });
    expect(await panelHeading.evaluate((heading) => heading === heading.ownerDocument.activeElement)).toBe(true);
    await page.keyboard.press('Tab');
    await page.keyboard.type('PAY-9: fully rolled out, code removed');
    await page.keyboard.press('Enter');
    await page.getByText('Archived checkout: PAY-9: fully rolled out, code removed').waitFor();
    await page.getByText('Nothing to clean up.').waitFor();

    expect((await t.as('viewer').get('/v1/flags/checkout').expect(200)).body.archived).toBe(true);
    const history = (await t.as('viewer').get('/v1/flags/checkout/history').expect(200)).body;
    expect(history.entries.at(-1)).toMatchObject({
      type: 'FlagArchived',
      actor: EDITOR,
      reason: 'PAY-9: fully rolled out, code removed',
    });
  });

  sqliteOnly(
    'extends a stale flag with If-Match: a flag changed meanwhile is refused, then the new expiry is set',
    async () => {
      await command(t, 'post', '/v1/flags', {
        key: 'reco-test',
        type: 'experiment',
        owner: 'growth',
        expiresAt: '2026-12-05T00:00:00Z',
      });
      t.clock.advance(31 * DAY);
      await openPage('editor', 'Stale flags');
      await page
        .getByRole('row', { name: /reco-test/ })
        .getByRole('button', { name: 'Clean up reco-test' })
        .click();
      const extend = page.getByRole('form', { name: 'Extend reco-test' });
      await extend.waitFor();
      await command(t, 'patch', '/v1/flags/reco-test', { ticket: 'GROW-7' }, 'admin');

      await extend.getByLabel('New expiry').fill('2027-03-01T00:00');
      await extend.getByLabel('Reason').fill('second experiment round');
      await extend.getByRole('button', { name: 'Extend reco-test' }).click();
      await extend
        .getByRole('alert')
        .getByText(/reco-test changed since this panel read it/)
        .waitFor();
      expect((await t.as('viewer').get('/v1/flags/reco-test').expect(200)).body.expiresAt).toBe(
        '2026-12-05T00:00:00.000Z',
      );

      await page.getByText('ticket GROW-7').waitFor();
      await extend.getByRole('button', { name: 'Extend reco-test' }).click();
      await page.getByText('reco-test now expires 2027-03-01 00:00 UTC.').waitFor();
      await page.getByRole('row', { name: /reco-test/ }).waitFor({ state: 'detached' });
      await page.getByRole('row', { name: /checkout/ }).waitFor();
      const history = (await t.as('viewer').get('/v1/flags/reco-test/history').expect(200)).body;
      expect(history.entries.at(-1)).toMatchObject({
        type: 'FlagDetailsChanged',
        reason: 'second experiment round',
        to: { expiresAt: '2027-03-01T00:00:00.000Z' },
      });
    },
  );

  sqliteOnly('shows a viewer the stale flags without any cleanup control', async () => {
    t.clock.advance(31 * DAY);
    await openPage('viewer', 'Stale flags');
    await page.getByRole('row', { name: /checkout/ }).waitFor();
    expect(await page.getByRole('button', { name: /Clean up|Archive|Extend/ }).count()).toBe(0);
    expect(await page.getByRole('columnheader', { name: 'Cleanup' }).count()).toBe(0);
  });

  sqliteOnly('has no serious or critical accessibility violations on either page (axe-core)', async () => {
    t.clock.advance(31 * DAY);
    await openPage('admin', 'Audit');
    await timelineRows();
    await page.getByRole('region', { name: 'Chain integrity' }).getByText('Chain verified').waitFor();
    const pages: Record<string, unknown> = { audit: await seriousAxeViolations(page) };
    await page.getByRole('navigation').getByRole('link', { name: 'Stale flags', exact: true }).click();
    await page.getByRole('button', { name: 'Clean up checkout' }).click();
    await page.getByRole('form', { name: 'Archive checkout' }).waitFor();
    pages.stale = await seriousAxeViolations(page);
    expect(pages).toEqual({ audit: [], stale: [] });
  });
});
