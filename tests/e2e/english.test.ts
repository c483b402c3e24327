// The English path: switch language, the choice is remembered on the next page (and on plain Italian
// addresses such as the links in emails), texts and dates are English, the registration is stored in
// English; switching back to Italian works the same way.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillSignup, launchBrowser, newContext, startWebApp, type WebApp } from '../helpers/browser.ts';
import { person, seedProgramme, tokenOf } from './programme.ts';

let t: WebApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;

const ENGLISH_SESSION =
  /(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),? \d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}, \d{2}:\d{2}–\d{2}:\d{2}/;

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

async function langCookie() {
  return (await context.cookies()).find((c) => c.name === 'officina_lang')?.value;
}

describe('English', () => {
  it('every page declares its language and links its twin', async () => {
    await page.goto(`${t.baseUrl}/cicli/mediazione-interculturale`);
    expect(await page.locator('html').getAttribute('lang')).toBe('it');
    const alternates = await page
      .locator('link[rel=alternate][hreflang]')
      .evaluateAll((els) => els.map((e) => `${e.getAttribute('hreflang')} ${e.getAttribute('href')}`));
    expect(alternates).toEqual([
      `it ${t.baseUrl}/cicli/mediazione-interculturale`,
      `en ${t.baseUrl}/en/cicli/mediazione-interculturale`,
      `x-default ${t.baseUrl}/cicli/mediazione-interculturale`,
    ]);
    expect(await page.locator('nav.lang-switch').innerText()).toMatch(/Italiano[\s\S]*English/);
  });

  it('switching to English is remembered, texts and dates are English, and the sign-up is stored in English', async () => {
    await page.goto(`${t.baseUrl}/`);
    expect(await langCookie()).toBeUndefined();
    await page.click('nav.lang-switch a:has-text("English")');
    await page.waitForURL(/\/en\/?$/);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('h1').innerText()).toBe('Workshops and meetings');
    expect(await langCookie()).toBe('en');
    expect(await page.locator('.cards li', { hasText: 'La mediazione interculturale' }).innerText()).toContain('10 seats left');

    // The next page, reached through a link: English address, English words, English dates.
    await page.click('.cards h3 a:has-text("La mediazione interculturale")');
    await page.waitForURL(/\/en\/cicli\/mediazione-interculturale$/);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('#seats-left').innerText()).toBe('There are 10 seats left.');
    expect(await page.locator('h1').getAttribute('lang')).toBe('it'); // the organisers' Italian title, marked as such
    const sessions = await page.locator('.sessions li .when').allInnerTexts();
    expect(sessions).toHaveLength(4);
    for (const s of sessions) expect(s).toMatch(ENGLISH_SESSION);

    // A plain (Italian) address now opens in English: the choice is remembered.
    await page.goto(`${t.baseUrl}/privacy`);
    expect(page.url()).toBe(`${t.baseUrl}/en/privacy`);
    expect(await page.locator('h1').innerText()).toBe('Privacy notice');
    expect(await page.locator('#privacy-version').innerText()).toBe(`Version of ${t.config.privacyVersion}`);

    // Sign up in English: English errors first, then the confirmation.
    await page.goto(`${t.baseUrl}/en/cicli/mediazione-interculturale`);
    await fillSignup(page, { firstName: 'Olena', email: 'olena' });
    await page.click('button[type=submit]');
    await page.locator('#error-summary').waitFor();
    expect(await page.locator('#error-summary h3').innerText()).toBe('There are 4 problems to fix');
    expect(await page.locator('#email-error').innerText()).toContain('Enter a valid email address');
    const me = { ...person('english'), firstName: 'Olena', lastName: 'Kovalenko' };
    await fillSignup(page, { ...me, consent: true });
    await page.click('button[type=submit]');
    await page.waitForURL(/\/en\/iscrizione\/[A-Za-z0-9_-]{43}\?nuova=1$/);
    expect(await page.locator('#confirmation h1').innerText()).toBe('Thank you Olena, your registration is confirmed');
    expect(await page.locator('#confirmation').innerText()).toContain(`An email with a summary and the link to this page is on its way to ${me.email}`);
    expect(await page.locator('#registration-status').innerText()).toBe('Confirmed');
    const token = tokenOf(page.url().split('?')[0]!);
    const api = await t.app.inject({ method: 'GET', url: `/api/registrations/${token}` });
    expect(api.json().registration.locale).toBe('en');

    // The link in the email is the plain address: it opens in English for this person.
    await page.goto(`${t.baseUrl}/iscrizione/${token}`);
    expect(page.url()).toBe(`${t.baseUrl}/en/iscrizione/${token}`);
    expect(await page.locator('h1').innerText()).toBe('My registration');
    expect(await page.locator('.sessions li .when').first().innerText()).toMatch(ENGLISH_SESSION);
  });

  it('an unknown page answers 404 in English, and switching back to Italian is remembered too', async () => {
    const res = await page.goto(`${t.baseUrl}/en/nowhere`);
    expect(res?.status()).toBe(404);
    expect(await page.locator('h1').innerText()).toBe('Page not found');

    await page.goto(`${t.baseUrl}/en/`);
    await page.click('nav.lang-switch a:has-text("Italiano")');
    await page.waitForURL(`${t.baseUrl}/`);
    expect(await page.locator('html').getAttribute('lang')).toBe('it');
    expect(await langCookie()).toBe('it');
    await page.goto(`${t.baseUrl}/privacy`);
    expect(page.url()).toBe(`${t.baseUrl}/privacy`);
    expect(await page.locator('h1').innerText()).toBe('Informativa sulla privacy');
    // The API answers in the language of the cookie, too.
    const cookie = `officina_lang=${await langCookie()}`;
    const err = await t.app.inject({ method: 'GET', url: '/api/cycles/nowhere', headers: { cookie } });
    expect(err.json().message).toBe('Questo ciclo non esiste o non è pubblicato.');
  });
});
