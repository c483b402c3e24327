// Browser tests: the real app (API + SvelteKit pages) listening on 127.0.0.1, driven by Debian's
// Chromium through playwright-core; plus axe-core checks, keyboard helpers and screenshots.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { buildTestApp, type TestApp } from './app.ts';
import { freePort } from './server-process.ts';

const require = createRequire(import.meta.url);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.resolve('test-output/screenshots');

export interface WebApp extends TestApp {
  baseUrl: string;
}

/** The whole app with its pages on a fresh database, listening on 127.0.0.1; `env`: configuration beside the test defaults. */
export async function startWebApp(env: Record<string, string> = {}): Promise<WebApp> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const t = await buildTestApp({ web: true, env: { ...env, PUBLIC_URL: baseUrl } });
  await t.app.listen({ port, host: '127.0.0.1' });
  return { ...t, baseUrl };
}

/**
 * Chromium with a fresh profile (playwright creates and removes a temporary user-data-dir for
 * launch()); nothing from the machine's own browser profile leaks into the tests.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y --no-install-recommends chromium`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export async function newContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  // bypassCSP: the site's Content-Security-Policy forbids inline scripts, and axe-core is injected as one.
  const context = await browser.newContext({ locale: 'it-IT', timezoneId: 'Europe/Rome', bypassCSP: true, ...options });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(20_000);
  return context;
}

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** axe-core's WCAG 2.1 A/AA rules on the current page; returns the violations (none expected). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  return page.evaluate(async (tags) => {
    const axe = (globalThis as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  }, AXE_TAGS);
}

/** A readable line per violation, for assertion messages. */
export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(' ')} ${n.failureSummary ?? ''}`).join('\n')}`)
    .join('\n');
}

/**
 * No axe-core violation on the page at a phone's width (390 px) and a desktop's (1280 px), or only at
 * the current size (`widths: null`); `noSideScroll`: nor does the page itself scroll sideways (wide
 * tables scroll inside their own box).
 */
export async function expectNoViolations(page: Page, what: string, opts: { widths?: number[] | null; noSideScroll?: boolean } = {}): Promise<void> {
  const widths = opts.widths === undefined ? [390, 1280] : opts.widths;
  for (const width of widths ?? [null]) {
    if (width !== null) await page.setViewportSize({ width, height: 900 });
    const at = width === null ? '' : ` at ${width}px`;
    const violations = await axeViolations(page);
    expect(violations, `${what}${at}:\n${describeViolations(violations)}`).toEqual([]);
    if (opts.noSideScroll && width !== null) {
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `${what} page width${at}`).toBeLessThanOrEqual(width);
    }
  }
}

/** Full-page screenshots at phone (390 px) and desktop (1280 px) widths, for a reviewer to look at. */
export async function screenshots(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const original = page.viewportSize();
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${width}.png`), fullPage: true });
  }
  if (original) await page.setViewportSize(original);
}

/** Presses Tab until the focused element matches `selector` (at most `max` times); fails otherwise. */
export async function tabTo(page: Page, selector: string, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const found = await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector);
    if (found) return;
  }
  throw new Error(`Tab never reached ${selector} in ${max} presses`);
}

/** The element that has focus, described (id, tag, text) for assertions. */
export async function focused(page: Page): Promise<{ id: string; tag: string; text: string }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return { id: el?.id ?? '', tag: el?.tagName.toLowerCase() ?? '', text: (el?.innerText ?? '').trim() };
  });
}

/**
 * Holds the page's JavaScript (SvelteKit's /_app/ modules) until `release()`, as a slow phone would get it:
 * the server-rendered page is usable and typed into first, then the scripts arrive and hydrate it.
 * `release()` resolves once the held scripts were served and the network is quiet (hydration done).
 */
export async function holdPageScripts(page: Page): Promise<{ release: () => Promise<void> }> {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  await page.route(/\/_app\/.*\.js$/, async (route) => {
    await opened;
    await route.continue();
  });
  return {
    release: async () => {
      open();
      await page.waitForLoadState('networkidle');
      await page.unrouteAll({ behavior: 'wait' });
    },
  };
}

/** Fills the sign-up form through the page (mouse-free helpers for the keyboard test live in the test). */
export async function fillSignup(
  page: Page,
  values: Partial<Record<'firstName' | 'lastName' | 'email' | 'organisation' | 'role' | 'network', string>> & { consent?: boolean },
): Promise<void> {
  for (const [name, value] of Object.entries(values)) {
    if (name === 'consent' || value === undefined) continue;
    await page.fill(`#${name}`, String(value));
  }
  if (values.consent) await page.check('#consent');
}
