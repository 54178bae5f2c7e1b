import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { tempDir } from './temp-dir.js';
import { startTestApp, type TestApp } from './test-app.js';
import { TOKENS, type RoleName } from './tokens.js';

/** Builds the console (as `npm run build` does) into a temp folder, once per test file. */
export function buildConsole(): { dir: string; cleanup: () => void } {
  const { dir, cleanup } = tempDir();
  const out = join(dir, 'console');
  execFileSync(
    process.execPath,
    ['node_modules/vite/bin/vite.js', 'build', '--config', 'src/console/vite.config.ts', '--outDir', out],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  return { dir: out, cleanup };
}

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core on the page as it is now; the serious and critical violations (WCAG 2.x A and AA). */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated over the DevTools protocol, not as a page script: the Content-Security-Policy still holds for the page.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (o: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations;
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** What a console test works with; set before each test by consoleInBrowser(). */
export interface ConsoleSession {
  t: TestApp;
  context: BrowserContext;
  page: Page;
  /** Signs in through the page as `role` and waits for the flags table. */
  signIn: (role: RoleName) => Promise<void>;
  /** The same with a token's secret: one issued over HTTP during the test, not in TOKENS. */
  signInWith: (secret: string) => Promise<void>;
}

/**
 * The hooks every browser suite shares: one Chromium and one build of the console per file; per test a
 * fresh server (temp database, `seed` run against it), a fresh browser context, and the check that the
 * browser reported no Content-Security-Policy refusal.
 */
export function consoleInBrowser(seed: (t: TestApp) => Promise<void>): ConsoleSession {
  let built: ReturnType<typeof buildConsole> | undefined;
  let browser: Browser | undefined;
  let refusals: string[] = [];
  const session = {} as ConsoleSession;
  beforeAll(async () => {
    built = buildConsole();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    built?.cleanup();
  });
  beforeEach(async () => {
    session.t = await startTestApp({ consoleDir: built!.dir });
    await seed(session.t);
    // UTC in the page too, so a datetime-local value means the same instant to a test and to the browser.
    session.context = await browser!.newContext({ timezoneId: 'UTC' });
    session.page = await session.context.newPage();
    // A step that cannot happen fails in seconds, naming the step, well inside Jest's own timeout.
    session.page.setDefaultTimeout(10_000);
    refusals = [];
    session.page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) refusals.push(message.text());
    });
  });
  afterEach(async () => {
    await session.context?.close();
    await session.t?.close();
    expect(refusals).toEqual([]);
  });
  session.signIn = (role) => session.signInWith(TOKENS[role].secret);
  session.signInWith = async (secret) => {
    await session.page.goto(session.t.url);
    await session.page.getByLabel('Token').fill(secret);
    await session.page.getByRole('button', { name: 'Sign in' }).click();
    // The table, not just the heading (shown while the flags load): what the page offers is decided by then.
    await session.page.getByRole('table').first().waitFor();
  };
  return session;
}
