// The whole sign-up and cancel flow with the keyboard alone: Tab to move, typing to fill, Space to
// tick, Enter to follow links and press buttons. No mouse, no programmatic clicks.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { focused, launchBrowser, newContext, startWebApp, tabTo, type WebApp } from '../helpers/browser.ts';
import { person, seatsLeft, seedProgramme } from './programme.ts';

let t: WebApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  t = await startWebApp();
  await seedProgramme(t);
  browser = await launchBrowser();
  context = await newContext(browser);
  page = await context.newPage();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await t?.close();
});

/** The focused element shows a focus indicator (outline or box-shadow), as WCAG 2.4.7 asks. */
async function focusIsVisible(p: Page): Promise<boolean> {
  return p.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el) return false;
    const s = getComputedStyle(el);
    return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
  });
}

describe('keyboard only', () => {
  it('skip link, catalogue to cycle, sign-up, private page and cancel in two steps', async () => {
    await page.goto(`${t.baseUrl}/`);
    // The first Tab reaches the skip link, which moves focus to the main content.
    await page.keyboard.press('Tab');
    expect((await focused(page)).text).toBe('Vai al contenuto principale');
    expect(await focusIsVisible(page)).toBe(true);
    await page.keyboard.press('Enter');
    expect((await focused(page)).id).toBe('contenuto');

    // Use the filters: theme select, then the button.
    await tabTo(page, '#f-theme');
    expect(await focusIsVisible(page)).toBe(true);
    await tabTo(page, 'button[type=submit]');
    await Promise.all([page.waitForURL(/\?theme=&format=&when=upcoming#risultati$/), page.keyboard.press('Enter')]);

    // Open the cycle from its card.
    await tabTo(page, 'a[href="/cicli/mediazione-interculturale"]');
    await Promise.all([page.waitForURL(/\/cicli\/mediazione-interculturale$/), page.keyboard.press('Enter')]);
    await page.waitForLoadState('networkidle');

    // Fill the form field by field.
    const me = person('keyboard');
    for (const [field, value] of Object.entries(me)) {
      await tabTo(page, `#${field}`);
      expect(await focusIsVisible(page)).toBe(true);
      await page.keyboard.type(value);
    }
    await tabTo(page, '#consent');
    await page.keyboard.press('Space');
    expect(await page.isChecked('#consent')).toBe(true);
    await tabTo(page, 'button[type=submit]');
    expect(await focusIsVisible(page)).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/iscrizione\/[A-Za-z0-9_-]{43}\?nuova=1$/);
    expect(await page.locator('#confirmation h1').innerText()).toBe('Grazie Giulia, iscrizione confermata');
    expect(await seatsLeft(t, 'mediazione-interculturale')).toBe(9);

    // First step of the cancellation.
    await tabTo(page, '#cancel-link');
    expect(await focusIsVisible(page)).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/annulla$/);
    await page.waitForLoadState('networkidle');

    // Second step: the confirm button.
    await tabTo(page, '#confirm-cancel');
    expect(await focusIsVisible(page)).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\?annullata=1$/);
    expect(await page.locator('#registration-status').innerText()).toBe('Annullata');
    expect(await seatsLeft(t, 'mediazione-interculturale')).toBe(10);
  });

  it('errors are reachable from the keyboard: the summary gets focus, its links lead to the fields', async () => {
    await page.goto(`${t.baseUrl}/cicli/comunicazione-generativa`);
    await page.waitForLoadState('networkidle');
    await tabTo(page, '#firstName');
    await page.keyboard.type('Marco');
    await tabTo(page, 'button[type=submit]');
    await page.keyboard.press('Enter');
    await page.locator('#error-summary').waitFor();
    await expect.poll(async () => (await focused(page)).id).toBe('error-summary');
    // Tab from the summary reaches its first link; Enter moves to the field.
    await page.keyboard.press('Tab');
    expect((await focused(page)).text).toContain('Cognome');
    await page.keyboard.press('Enter');
    expect((await focused(page)).id).toBe('lastName');
    expect(await page.inputValue('#firstName')).toBe('Marco');
  });
});
