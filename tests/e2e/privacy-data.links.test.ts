// "Send me my links" (/recupera-link) in a real browser: the answer is the same for a known and an unknown
// address (with JavaScript and without), a missing or malformed address is pointed out next to the field,
// too many requests are refused with the API's message; the page is reachable from the footer, the
// "registration not found" page and the "already registered" message; axe-core in both languages.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectNoViolations,
  fillSignup,
  focused,
  holdPageScripts,
  launchBrowser,
  newContext,
  screenshots,
  startWebApp,
  type WebApp,
} from '../helpers/browser.ts';
import { createCycle } from '../helpers/factories.ts';
import { signUp, type Person } from '../integration/materials.support.ts';

let t: WebApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let known: Person;
let slug: string;

const ACCEPTED_IT = 'Se a questo indirizzo corrispondono iscrizioni attive, riceverai a breve un’email con i link per gestirle.';

beforeAll(async () => {
  t = await startWebApp();
  const { cycle } = await createCycle(t.database.db, { title: 'Mediazione dei conflitti' });
  slug = cycle.slug;
  known = await signUp(t.app, slug);
  browser = await launchBrowser();
  context = await newContext(browser);
  page = await context.newPage();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await t?.close();
});

/** Fills the form, sends it and returns the answer's HTML (the same element whatever the address). */
async function ask(p: Page, email: string, prefix = ''): Promise<string> {
  await p.goto(`${t.baseUrl}${prefix}/recupera-link`);
  await p.fill('#email', email);
  await p.click('#links-submit');
  await p.locator('#links-sent, #links-problem').waitFor();
  return p.locator('#links-sent, #links-problem').evaluate((el) => el.outerHTML);
}

describe('send me my links', () => {
  it('answers the same for a known and an unknown address, and moves focus to the answer', async () => {
    const forKnown = await ask(page, known.email);
    expect(await page.locator('#links-message').innerText()).toBe(ACCEPTED_IT);
    expect((await focused(page)).id).toBe('links-sent');
    expect(await page.locator('#links-sent').getAttribute('role')).toBe('status');
    // The field is emptied after a success.
    expect(await page.locator('#email').inputValue()).toBe('');
    await expectNoViolations(page, 'links sent (it)');
    await screenshots(page, 'links-sent-it');

    const forUnknown = await ask(page, 'nessuno.mai.visto@comune.example.it');
    expect(forUnknown).toBe(forKnown);
  });

  it('an address typed before the page’s script arrives is kept and sent', async () => {
    // A phone on a slow line: the person types while the script is still on its way; hydration must
    // not write the empty server value back over what they typed.
    const scripts = await holdPageScripts(page);
    await page.goto(`${t.baseUrl}/recupera-link`, { waitUntil: 'domcontentloaded' });
    // Not the known address: the tests below count that address's requests against its throttle.
    await page.fill('#email', 'connessione.lenta@comune.example.it');
    await scripts.release();
    expect(await page.inputValue('#email')).toBe('connessione.lenta@comune.example.it');
    await page.click('#links-submit');
    await page.locator('#links-sent').waitFor();
  });

  it('works without JavaScript, with the same answer', async () => {
    const noJs = await newContext(browser, { javaScriptEnabled: false });
    try {
      const p = await noJs.newPage();
      const forKnown = await ask(p, known.email.toUpperCase());
      const forUnknown = await ask(p, 'altra.persona@comune.example.it');
      expect(forUnknown).toBe(forKnown);
      expect(await p.locator('#links-message').innerText()).toBe(ACCEPTED_IT);
    } finally {
      await noJs.close();
    }
  });

  it('a missing or malformed address is pointed out next to the field, which takes focus', async () => {
    await page.goto(`${t.baseUrl}/recupera-link`);
    await page.click('#links-submit');
    await page.locator('#email-error').waitFor();
    expect(await page.locator('#email-error').innerText()).toContain('Inserisci il tuo indirizzo email.');
    expect(await page.locator('#email').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#email').getAttribute('aria-describedby')).toBe('email-hint email-error');
    expect((await focused(page)).id).toBe('email');

    // Checked by the API (400): the message is ours, the value stays.
    await page.fill('#email', 'giulia-at-comune');
    await page.click('#links-submit');
    await expect.poll(() => page.locator('#email-error').innerText()).toContain('Inserisci un indirizzo email valido');
    expect(await page.locator('#email').inputValue()).toBe('giulia-at-comune');
    expect(await page.title()).toMatch(/^Errore: /);
    expect(await page.locator('#links-sent').count()).toBe(0);
    await expectNoViolations(page, 'links form with an error (it)');
    await screenshots(page, 'links-error-it');
  });

  it('too many requests for one address get the API message (429)', async () => {
    const email = 'molto.insistente@comune.example.it';
    for (let i = 0; i < 3; i++) await ask(page, email);
    const html = await ask(page, email);
    expect(html).toContain('id="links-problem"');
    expect(await page.locator('#links-problem').innerText()).toContain('Troppe richieste');
    expect(await page.locator('#links-problem').getAttribute('role')).toBe('alert');
    expect(await page.locator('#email').inputValue()).toBe(email);
  });

  it('English: the page, the answer and no violations', async () => {
    const res = await page.goto(`${t.baseUrl}/en/recupera-link`);
    expect(res?.status()).toBe(200);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('h1').innerText()).toBe('Get your links again');
    await expectNoViolations(page, 'links form (en)');
    await screenshots(page, 'links-en');
    await ask(page, known.email, '/en');
    expect(await page.locator('#links-message').innerText()).toBe(
      'If this address has active registrations, you will shortly receive an email with the links to manage them.',
    );
    await expectNoViolations(page, 'links sent (en)');
  });

  it('the Italian form has no violations', async () => {
    await page.goto(`${t.baseUrl}/recupera-link`);
    await expectNoViolations(page, 'links form (it)');
    await screenshots(page, 'links-it');
  });

  it('is reachable from the footer, the "registration not found" page and the "already registered" message', async () => {
    await page.goto(`${t.baseUrl}/`);
    expect(await page.locator('footer a', { hasText: 'Hai perso il link della tua iscrizione?' }).getAttribute('href')).toBe('/recupera-link');
    await page.goto(`${t.baseUrl}/en/`);
    expect(await page.locator('footer a', { hasText: 'Lost the link to your registration?' }).getAttribute('href')).toBe('/en/recupera-link');

    const res = await page.goto(`${t.baseUrl}/iscrizione/link-sbagliato`);
    expect(res?.status()).toBe(404);
    await page.click('#error-links');
    await page.waitForURL(`${t.baseUrl}/recupera-link`);

    await page.goto(`${t.baseUrl}/cicli/${slug}`);
    await fillSignup(page, { firstName: 'Zelinda', lastName: 'Rossi', email: known.email, organisation: 'Comune di Lodi', consent: true });
    await page.click('button[type=submit]');
    await page.locator('#already-registered-links').waitFor();
    expect(await page.locator('#already-registered-links').getAttribute('href')).toBe('/recupera-link');
  });
});
