// Issue 15, the public pages on a phone (390×844): the catalogue's filters fold away and filtering lands
// on the results; the cycle page keeps a sign-up bar at the bottom of the screen; the calendar box
// offers one-tap Google Calendar and Outlook.com subscriptions to the feed; the consent reads as what a
// person declares.
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoViolations, fillSignup, launchBrowser, newContext, startWebApp, type WebApp } from '../helpers/browser.ts';
import { person, seedProgramme } from './programme.ts';

const PHONE = { width: 390, height: 844 };
const SHOTS = '/tmp/shots';

let t: WebApp;
let browser: Browser;
let phone: BrowserContext;
let page: Page;

beforeAll(async () => {
  t = await startWebApp();
  await seedProgramme(t);
  browser = await launchBrowser();
  phone = await newContext(browser, { viewport: PHONE, isMobile: true, hasTouch: true });
  page = await phone.newPage();
  fs.mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await phone?.close();
  await browser?.close();
  await t?.close();
});

/** The element's box against the viewport: where it is on the screen right now. */
async function box(p: Page, selector: string) {
  return p.locator(selector).evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom };
  });
}

describe('the catalogue on a phone', () => {
  it('shows the first cycle on the first screen, the filters folded under a summary', async () => {
    await page.goto(`${t.baseUrl}/`);
    expect((await box(page, '.cards li:first-child')).top).toBeLessThan(PHONE.height);
    expect(await page.locator('#f-theme').isVisible()).toBe(false);
    expect(await page.locator('.filters-panel > summary').innerText()).toBe('Filtra i cicli');
    await page.screenshot({ path: `${SHOTS}/pub-catalogue-phone.png` });
    await expectNoViolations(page, 'catalogue, filters folded', { widths: null });
  });

  it('lands on the results after filtering, and the summary says how many filters are on', async () => {
    await page.goto(`${t.baseUrl}/`);
    await page.click('.filters-panel > summary');
    await page.selectOption('#f-theme', 'welfare');
    await page.selectOption('#f-when', 'all');
    await page.click('button:has-text("Applica i filtri")');
    await page.waitForURL(/theme=welfare.*#risultati$/);
    const heading = await box(page, '#results-heading');
    expect(heading.top).toBeGreaterThanOrEqual(0);
    expect(heading.bottom).toBeLessThanOrEqual(PHONE.height);
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    expect(await page.locator('.filters-panel > summary').innerText()).toMatch(/^Filtra i cicli\s+2 filtri attivi$/);
    await page.screenshot({ path: `${SHOTS}/pub-catalogue-phone-filtered.png` });
    await expectNoViolations(page, 'catalogue, filtered', { widths: null });
  });

  it('shows the filters open, without the summary, on a wide screen', async () => {
    const desktop = await newContext(browser, { viewport: { width: 1280, height: 900 } });
    const wide = await desktop.newPage();
    await wide.goto(`${t.baseUrl}/`);
    expect(await wide.locator('#f-theme').isVisible()).toBe(true);
    expect(await wide.locator('.filters-panel > summary').isVisible()).toBe(false);
    expect(await wide.locator('#filters-heading').isVisible()).toBe(true);
    await expectNoViolations(wide, 'catalogue, wide', { widths: null });
    await desktop.close();
  });
});

describe('the cycle page on a phone', () => {
  it('keeps a sign-up bar at the bottom of the screen that leads to the form and then steps aside', async () => {
    await page.goto(`${t.baseUrl}/cicli/mediazione-interculturale`);
    const bar = page.locator('#signup-bar');
    await expect.poll(() => bar.isVisible()).toBe(true);
    expect((await box(page, '#signup-bar')).bottom).toBeLessThanOrEqual(PHONE.height);
    expect(await bar.innerText()).toMatch(/10 posti disponibili\s+Iscriviti/);
    await page.screenshot({ path: `${SHOTS}/pub-cycle-phone.png` });
    await expectNoViolations(page, 'cycle page with the sign-up bar', { widths: null });

    await bar.locator('a').click();
    await page.waitForURL(/#iscrizione$/);
    const heading = await box(page, '#iscrizione');
    expect(heading.top).toBeGreaterThanOrEqual(0);
    expect(heading.top).toBeLessThan(PHONE.height);
    // The form is on screen: the bar does not cover it.
    await expect.poll(() => bar.isVisible()).toBe(false);
    await page.screenshot({ path: `${SHOTS}/pub-cycle-phone-form.png` });
    await page.locator('#calendario').screenshot({ path: `${SHOTS}/pub-cycle-phone-calendar.png` });
  });

  it('offers the waiting list in the bar of a full cycle, and no bar where signing up is closed', async () => {
    await page.goto(`${t.baseUrl}/cicli/valutare-i-progetti`);
    expect(await page.locator('#signup-bar a').innerText()).toBe("Iscriviti alla lista d'attesa");
    await page.goto(`${t.baseUrl}/cicli/coprogettazione`);
    expect(await page.locator('#signup-bar').count()).toBe(0);
  });

  it('leaves room for the bar without JavaScript, so it covers nothing at the end of the page', async () => {
    const plain = await newContext(browser, { viewport: PHONE, javaScriptEnabled: false });
    const p = await plain.newPage();
    await p.goto(`${t.baseUrl}/cicli/mediazione-interculturale`);
    await p.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    const bar = await box(p, '#signup-bar');
    expect(await p.locator('#signup-bar').isVisible()).toBe(true);
    expect((await box(p, '.site-footer')).bottom).toBeLessThanOrEqual(bar.top);
    await plain.close();
  });

  it('has no bar on a wide screen', async () => {
    const desktop = await newContext(browser, { viewport: { width: 1280, height: 900 } });
    const wide = await desktop.newPage();
    await wide.goto(`${t.baseUrl}/cicli/mediazione-interculturale`);
    expect(await wide.locator('#signup-bar').isVisible()).toBe(false);
    await desktop.close();
  });
});

describe('calendar links', () => {
  const feed = () => `${t.baseUrl}/ical/cycles/mediazione-interculturale.ics`;
  const webcal = (url: string) => url.replace(/^http:/, 'webcal:');

  it('subscribe Google Calendar and Outlook.com to the cycle feed, in the reader’s language', async () => {
    await page.goto(`${t.baseUrl}/cicli/mediazione-interculturale`);
    const google = new URL((await page.locator('#calendar-google').getAttribute('href'))!);
    expect(`${google.origin}${google.pathname}`).toBe('https://calendar.google.com/calendar/r');
    expect(google.searchParams.get('cid')).toBe(webcal(feed()));
    const outlook = new URL((await page.locator('#calendar-outlook').getAttribute('href'))!);
    expect(`${outlook.origin}${outlook.pathname}`).toBe('https://outlook.live.com/calendar/0/addfromweb');
    expect(outlook.searchParams.get('url')).toBe(feed());
    expect(outlook.searchParams.get('name')).toBe('La mediazione interculturale — Officina');
    expect(await page.locator('#calendar-subscribe').getAttribute('href')).toBe(webcal(feed()));
    expect(await page.locator('#calendar-download').getAttribute('href')).toBe(`${feed()}?download=1`);
    // The feed the links name answers.
    expect((await fetch(feed())).status).toBe(200);

    await page.goto(`${t.baseUrl}/en/cicli/mediazione-interculturale`);
    const english = new URL((await page.locator('#calendar-google').getAttribute('href'))!);
    expect(english.searchParams.get('cid')).toBe(`${webcal(feed())}?lang=en`);
    expect(await page.locator('#calendar-outlook').innerText()).toBe('Add to Outlook.com');
  });

  it('subscribe to the private feed from "my registration"; the sign-up form asks for the notice declaration', async () => {
    await page.goto(`${t.baseUrl}/cicli/comunicazione-generativa`);
    expect(await page.locator('label[for=consent]').innerText()).toMatch(/^Dichiaro di aver preso visione dell'informativa \(art\. 13 GDPR\)/);
    await fillSignup(page, { ...person('calendar'), consent: true });
    await page.click('button[type=submit]:has-text("Iscriviti")');
    await page.waitForURL(/\/iscrizione\//);
    const privateFeed = (await page.locator('#calendar-url').innerText()).trim();
    expect(privateFeed).toMatch(new RegExp(`^${t.baseUrl}/ical/registrations/[A-Za-z0-9_-]{43}\\.ics$`));
    const google = new URL((await page.locator('#calendar-google').getAttribute('href'))!);
    expect(google.searchParams.get('cid')).toBe(webcal(privateFeed));
    const outlook = new URL((await page.locator('#calendar-outlook').getAttribute('href'))!);
    expect(outlook.searchParams.get('url')).toBe(privateFeed);
    expect(outlook.searchParams.get('name')).toBe('Comunicazione generativa e inclusiva — la mia iscrizione');
    await expectNoViolations(page, 'my registration with the calendar links', { widths: null });
  });
});
