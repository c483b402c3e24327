// The console's forms on a slow connection: an organiser who types, ticks or picks before the page's
// JavaScript arrives keeps what they did when it arrives (hydration must not write the server's values
// back over theirs), and the form then sends what they chose. The public sign-up form has the same test
// in signup.test.ts.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holdPageScripts, launchBrowser, newContext, startWebApp, type WebApp } from '../helpers/browser.ts';
import { createCycle, createTheme } from '../helpers/factories.ts';
import { seedConsole, signInThroughPage, type ConsoleWorld } from './console.fixture.ts';

let t: WebApp;
let w: ConsoleWorld;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let cycleId = '';
let meetingId = '';

beforeAll(async () => {
  t = await startWebApp();
  w = await seedConsole(t);
  await createTheme(t.database.db, 'welfare');
  const { cycle, sessions } = await createCycle(t.database.db, {
    slug: 'co-progettazione',
    title: 'Co-progettazione nei servizi',
    themeSlug: w.themeSlug,
    capacity: 20,
    sessionDays: [7, 14],
    registrationClosesAt: new Date(Date.now() + 6 * 86_400_000),
  });
  [cycleId, meetingId] = [cycle.id, sessions[0]!.id];
  browser = await launchBrowser();
  context = await newContext(browser);
  page = await context.newPage();
  await signInThroughPage(page, t.baseUrl, w.admin);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await t?.close();
});

/** Opens `path` with the page's scripts held back, lets `act` fill the form, then lets the scripts run. */
async function beforeScripts(path: string, act: (p: Page) => Promise<void>): Promise<void> {
  const scripts = await holdPageScripts(page);
  await page.goto(t.baseUrl + path, { waitUntil: 'domcontentloaded' });
  await act(page);
  await scripts.release();
}

describe('console forms filled before the page’s script arrives', () => {
  it('moving a meeting: the new times typed are kept and the confirmation asks about them', async () => {
    await beforeScripts(`/console/incontri/${meetingId}/modifica`, async (p) => {
      await p.fill('#m-start', '15:00');
      await p.fill('#m-end', '18:00');
    });
    expect(await page.inputValue('#m-start')).toBe('15:00');
    expect(await page.inputValue('#m-end')).toBe('18:00');
    await page.click('#move-submit');
    await page.locator('#move-confirm').waitFor();
  });

  it('editing a cycle: typed text, a ticked box, a chosen radio and a chosen option are kept', async () => {
    await beforeScripts(`/console/cicli/${cycleId}/modifica`, async (p) => {
      await p.fill('#title', 'Co-progettazione nei servizi sociali');
      await p.fill('#summary', 'Quattro incontri per progettare insieme.');
      await p.uncheck('#waitlistEnabled');
      await p.check('#format-online');
      await p.selectOption('#themeSlug', 'welfare');
      await p.selectOption('#kind', 'conference');
    });
    expect(await page.inputValue('#title')).toBe('Co-progettazione nei servizi sociali');
    expect(await page.inputValue('#summary')).toBe('Quattro incontri per progettare insieme.');
    expect(await page.isChecked('#waitlistEnabled')).toBe(false);
    expect(await page.isChecked('#format-online')).toBe(true);
    expect(await page.inputValue('#themeSlug')).toBe('welfare');
    expect(await page.inputValue('#kind')).toBe('conference');
    await Promise.all([page.waitForURL(/\/console\/cicli\/[^/]+(\?.*)?$/), page.click('form:has(#title) button[type=submit]')]);
    const saved = await t.database.db
      .selectFrom('cycles')
      .select(['title', 'summary', 'waitlist_enabled', 'format', 'kind'])
      .where('id', '=', cycleId)
      .executeTakeFirstOrThrow();
    expect(saved).toEqual({
      title: 'Co-progettazione nei servizi sociali',
      summary: 'Quattro incontri per progettare insieme.',
      waitlist_enabled: false,
      format: 'online',
      kind: 'conference',
    });
  });
});
