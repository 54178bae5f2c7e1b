// Takes the README's console screenshots: `npm run build && node docs/screenshots/take.mjs`.
// Starts the built server on a temp database, seeds a small history over the API, and drives Debian's
// Chromium (/usr/bin/chromium; `bash .ci/chromium` installs it) through the main pages.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'flagledger-screenshots-'));
const port = 3499;
const url = `http://127.0.0.1:${port}`;
const tokens = { alice: 'alice-secret-1', ops: 'ops-secret-12' };
const server = spawn(process.execPath, ['dist/main.js'], {
  env: {
    ...process.env,
    PORT: String(port),
    FLAGLEDGER_DB: join(dir, 'f.db'),
    LOG_LEVEL: 'warn',
    FLAGLEDGER_TOKENS: `alice:editor:${tokens.alice},ops:admin:${tokens.ops}`,
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const call = async (method, path, body, token = tokens.alice) => {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
};
try {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      if (i > 100) throw new Error('server did not start');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await call('POST', '/v1/environments', { key: 'staging', name: 'Staging', type: 'staging' }, tokens.ops);
  await call('POST', '/v1/flags', {
    key: 'new_payment_processor',
    type: 'release',
    owner: 'payments-team',
    expiresAt: '2027-06-30T00:00:00Z',
    ticket: 'PAY-123',
    description: 'Route orders to the new processor',
    reason: 'Stripe migration',
  });
  await call('POST', '/v1/flags', {
    key: 'external_api_circuit_breaker',
    type: 'operational',
    owner: 'platform',
    enabled: true,
  });
  await call('POST', '/v1/flags', {
    key: 'sso_enterprise',
    type: 'permission',
    owner: 'identity',
    enabled: true,
    targetSegments: ['enterprise'],
  });
  await call('POST', '/v1/environments/staging/flags/new_payment_processor/enable', { reason: 'try in staging' });
  await call('PUT', '/v1/flags/new_payment_processor/rollout', { percentage: 10, reason: 'canary' });
  await call('POST', '/v1/flags/new_payment_processor/enable', { reason: 'start canary' });
  await call(
    'POST',
    '/v1/flags/new_payment_processor/kill-switch/engage',
    { reason: 'processor timeouts, INC-7' },
    tokens.ops,
  );
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(url);
  await page.screenshot({ path: join(here, 'sign-in.png') });
  await page.getByLabel('Token').fill(tokens.alice);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('row', { name: /new_payment_processor/ }).waitFor();
  await page.screenshot({ path: join(here, 'flags.png') });
  await page.getByRole('link', { name: 'new_payment_processor' }).click();
  await page.locator('.chart canvas').first().waitFor();
  await page.screenshot({ path: join(here, 'flag.png'), fullPage: true });
  await page
    .getByRole('region', { name: 'staging', exact: true })
    .getByRole('button', { name: 'Engage kill switch' })
    .click();
  await page.getByRole('dialog').getByLabel('Reason').fill('staging broke');
  await page.screenshot({ path: join(here, 'kill-switch-dialog.png') });
  await page.keyboard.press('Escape');
  await page.getByRole('navigation').getByRole('link', { name: 'Audit', exact: true }).click();
  await page.locator('table[aria-label="Timeline entries"][aria-busy="false"]').waitFor();
  await page.screenshot({ path: join(here, 'audit.png'), fullPage: true });
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('Token').fill(tokens.ops);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Tokens' }).click();
  const issue = page.getByRole('form', { name: 'Issue a token' });
  await issue.getByLabel('Name').fill('checkout-service');
  await issue.getByLabel('All environments').uncheck();
  await issue.getByLabel('staging').check();
  await issue.getByLabel('Reason').fill('checkout in staging');
  await issue.getByRole('button', { name: 'Issue token' }).click();
  await page.getByText('It will not be shown again.').waitFor();
  await page.screenshot({ path: join(here, 'tokens.png'), fullPage: true });
  await browser.close();
} finally {
  server.kill();
  rmSync(dir, { recursive: true, force: true });
}
