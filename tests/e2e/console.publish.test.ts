// Publishing needs a meeting and a registration deadline (#15): a new draft says so next to the publish
// button (what is missing, with links to add it), in Italian and English; trying anyway shows the
// server's refusal and leaves the draft out of the catalogue; once both are there it publishes.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoViolations, launchBrowser, newContext, screenshots, startWebApp, type WebApp } from '../helpers/browser.ts';
import { cycleIdOf, fillMeeting, meetingInDays, seedConsole, signInThroughPage, type ConsoleWorld } from './console.fixture.ts';

let t: WebApp;
let w: ConsoleWorld;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  t = await startWebApp();
  w = await seedConsole(t);
  browser = await launchBrowser();
  context = await newContext(browser);
  page = await context.newPage();
  await signInThroughPage(page, t.baseUrl, w.organiser, '/console/accedi?next=/console/cicli/nuovo');
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await t?.close();
});

const isPublic = async (slug: string) => (await t.app.inject({ method: 'GET', url: `/api/cycles/${slug}` })).statusCode === 200;

describe('publishing a cycle from the console', () => {
  let cycleId = '';
  const slug = 'valutazione-partecipata';

  it('a new draft without meetings or deadline says what is missing; trying to publish is refused', async () => {
    await page.fill('#title', 'Valutazione partecipata');
    await page.fill('#slug', slug);
    await page.selectOption('#themeSlug', w.themeSlug);
    await page.check('#format-in_person');
    await page.fill('#location', 'Brescia, Via Cefalonia 50');
    await page.fill('#capacity', '20');
    await Promise.all([page.waitForURL(/\/console\/cicli\/[0-9a-f-]{36}\?creato=1$/), page.click('form.cycle-form button[type=submit]')]);
    cycleId = cycleIdOf(page.url());

    const missing = page.locator('#publication-missing');
    expect(await missing.innerText()).toContain('Manca almeno un incontro in calendario.');
    expect(await missing.innerText()).toContain('Manca la data di chiusura delle iscrizioni.');
    expect(await page.locator('#publish').getAttribute('aria-describedby')).toBe('publication-missing');

    await page.click('#publish');
    await expect
      .poll(() => page.locator('#publication-errors').innerText())
      .toContain('Per pubblicare il ciclo servono almeno un incontro in calendario e la data di chiusura delle iscrizioni.');
    expect(await page.locator('#publication-badge').innerText()).toBe('Bozza');
    expect(await isPublic(slug)).toBe(false);
    await expectNoViolations(page, 'draft that cannot be published yet', { noSideScroll: true });
    await screenshots(page, 'console-publish-missing');

    // The same explanation in English.
    await page.goto(`${t.baseUrl}/en/console/cicli/${cycleId}`);
    expect(await page.locator('#publication-missing').innerText()).toContain('At least one meeting is needed.');
    expect(await page.locator('#publication-set-deadline').innerText()).toBe('Set the registration deadline');
    await expectNoViolations(page, 'draft that cannot be published yet (English)', { widths: null });
  });

  it('with a meeting (through the link) and a deadline (through the edit page) it publishes', async () => {
    await page.goto(`${t.baseUrl}/console/cicli/${cycleId}`);
    // "Aggiungi un incontro" leads to the meeting form on the same page.
    await page.click('#publication-add-session');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id || location.hash)).toMatch(/s-title/);
    await fillMeeting(page, 's-', { title: 'Primo incontro', ...meetingInDays(14) });
    await page.click('#add-session');
    await expect.poll(() => page.locator('.meetings li').count()).toBe(1);
    await expect.poll(() => page.locator('#publication-missing').innerText()).not.toContain('incontro in calendario');
    expect(await page.locator('#publication-missing').innerText()).toContain('Manca la data di chiusura delle iscrizioni.');

    await Promise.all([page.waitForURL(/\/modifica#closesAt$/), page.click('#publication-set-deadline')]);
    await page.fill('#closesAt', `${meetingInDays(12).date}T18:00`);
    await Promise.all([page.waitForURL(/\?salvato=1$/), page.click('form.cycle-form button[type=submit]')]);
    expect(await page.locator('#publication-missing').count()).toBe(0);

    await page.click('#publish');
    await expect.poll(() => page.locator('#publication-badge').innerText()).toBe('Pubblicato');
    expect(await page.locator('#publication-done').innerText()).toContain('pubblicato');
    expect(await isPublic(slug)).toBe(true);
  });
});
