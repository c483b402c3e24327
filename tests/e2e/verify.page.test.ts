// The public verification of certificates (/verifica, /verifica/<code>) in a real browser: a real code shows
// the holder, the cycle and the attendance; a forged one says "no certificate with this code" (404); the
// form works without JavaScript and forgives case, spaces and dashes; axe-core in both languages.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoViolations, launchBrowser, newContext, screenshots, startWebApp, type WebApp } from '../helpers/browser.ts';
import { endedCycleWithMaterials, issueCertificate, type EndedCycle } from './materials.fixture.ts';

let t: WebApp;
let browser: Browser;
let context: BrowserContext;
let noJsContext: BrowserContext;
/** JavaScript on: axe-core runs in the page. */
let page: Page;
/** JavaScript off: the form and the pages must work without it. */
let noJs: Page;
let ended: EndedCycle;
let code: string;
let forged: string;

beforeAll(async () => {
  t = await startWebApp();
  ended = await endedCycleWithMaterials(t, { title: 'Lavoro sociale e comunità' });
  code = await issueCertificate(t, ended.anna.token);
  // One letter changed: the right shape, but no certificate holds it.
  forged = code.slice(0, -1) + (code.endsWith('Z') ? 'Y' : 'Z');
  browser = await launchBrowser();
  context = await newContext(browser);
  page = await context.newPage();
  noJsContext = await newContext(browser, { javaScriptEnabled: false });
  noJs = await noJsContext.newPage();
});

afterAll(async () => {
  await context?.close();
  await noJsContext?.close();
  await browser?.close();
  await t?.close();
});

/** A code as someone might type it from paper: lower case, in groups of four. */
const asTyped = (c: string) => `${c.slice(0, 4)}-${c.slice(4, 8)} ${c.slice(8)}`.toLowerCase();

describe('/verifica', () => {
  it('a real code, typed loosely in the form, shows the holder, the cycle and the attendance', async () => {
    const res = await noJs.goto(`${t.baseUrl}/verifica`);
    expect(res?.status()).toBe(200);
    expect(await noJs.locator('h1').innerText()).toBe('Verifica un attestato');
    await noJs.fill('#verify-code', asTyped(code));
    await noJs.click('#verify-submit');
    await noJs.waitForURL(`${t.baseUrl}/verifica/${code}`);
    expect(await noJs.locator('#verify-result h1').innerText()).toBe('Attestato valido');
    expect(await noJs.locator('#verify-result').innerText()).toContain(code);
    expect(await noJs.locator('#verify-name').innerText()).toBe(`Anna ${ended.anna.lastName}`);
    expect(await noJs.locator('#verify-cycle').innerText()).toBe('Lavoro sociale e comunità');
    expect(await noJs.locator('#verify-cycle a').getAttribute('href')).toBe(`/cicli/${ended.cycle.slug}`);
    expect(await noJs.locator('#verify-attendance').innerText()).toBe('3 su 3 incontri');
    expect(await noJs.locator('#verify-hours').innerText()).toBe('9 ore');
    // Only name, cycle and attendance: nothing else about the person.
    const text = await noJs.locator('main').innerText();
    expect(text).not.toContain(ended.anna.email);
    expect(text).not.toContain('Comune di Lodi');
  });

  it("names whom to write to about the certificate: the cycle's contact, with mailto: and tel: links", async () => {
    await t.database.db
      .updateTable('cycles')
      .set({ contact_name: 'Segreteria del laboratorio', contact_email: 'laboratorio@comune.example.it', contact_phone: '0371 123 456' })
      .where('id', '=', ended.cycle.id)
      .execute();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${t.baseUrl}/verifica/${code}`);
    expect(await page.locator('#contact').innerText()).toContain('Per domande su questo attestato scrivi a');
    expect(await page.locator('#contact-name').innerText()).toBe('Segreteria del laboratorio');
    expect(await page.locator('#contact-email').getAttribute('href')).toBe('mailto:laboratorio@comune.example.it');
    expect(await page.locator('#contact-phone').getAttribute('href')).toBe('tel:0371123456');
    await expectNoViolations(page, 'verify result with the contact (it)', { widths: [390], noSideScroll: true });
    await screenshots(page, 'verify-contact-it');
  });

  it('the verification page is not cached nor indexed, and a loose address leads to the canonical one', async () => {
    const res = await fetch(`${t.baseUrl}/verifica/${code}`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-robots-tag')).toBe('noindex, nofollow');
    const loose = await fetch(`${t.baseUrl}/verifica/${code.toLowerCase()}`, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(loose.status).toBe(301);
    expect(loose.headers.get('location')).toBe(`/verifica/${code}`);
  });

  it('the address in certificates printed before the paths were Italian (/verify/<code>) still opens it', async () => {
    const res = await fetch(`${t.baseUrl}/verify/${code}`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(res.url).toBe(`${t.baseUrl}/verifica/${code}`);
    expect(await res.text()).toContain(code);
  });

  it('a forged code says there is no certificate with it (404), with the form to try again', async () => {
    const res = await page.goto(`${t.baseUrl}/verifica/${forged}`);
    expect(res?.status()).toBe(404);
    expect(await page.locator('#verify-result h1').innerText()).toBe('Nessun attestato con questo codice');
    expect(await page.locator('#verify-result').innerText()).toContain(forged);
    expect(await page.locator('main').innerText()).not.toContain(ended.anna.lastName);
    expect(await page.locator('#verify-code').inputValue()).toBe(forged);
    await expectNoViolations(page, 'verify not found (it)');
    await screenshots(page, 'verify-not-found-it');
    // The API agrees.
    expect((await t.app.inject({ method: 'GET', url: `/api/certificates/${forged}` })).statusCode).toBe(404);
  });

  it('an empty or malformed code is pointed out next to the field', async () => {
    await noJs.goto(`${t.baseUrl}/verifica`);
    await noJs.click('#verify-submit');
    await noJs.waitForURL(/\/verifica\?code=$/);
    expect(await noJs.locator('#verify-code-error').innerText()).toContain('Scrivi il codice di verifica.');
    expect(await noJs.locator('#verify-code').getAttribute('aria-invalid')).toBe('true');
    expect(await noJs.locator('#verify-code').getAttribute('aria-describedby')).toBe('verify-code-hint verify-code-error');
    expect(await noJs.title()).toMatch(/^Errore: /);

    await noJs.fill('#verify-code', 'ABC123');
    await noJs.click('#verify-submit');
    await noJs.waitForURL(/\/verifica\?code=ABC123$/);
    expect(await noJs.locator('#verify-code-error').innerText()).toContain('12 caratteri');
    expect(await noJs.locator('#verify-code').inputValue()).toBe('ABC123');
    // axe-core needs JavaScript: the same page in the other context.
    await page.goto(noJs.url());
    expect(await page.locator('#verify-code-error').count()).toBe(1);
    await expectNoViolations(page, 'verify form with an error (it)');
    await screenshots(page, 'verify-form-error-it');
  });

  it('English: the same pages in English, with language alternates', async () => {
    await page.goto(`${t.baseUrl}/en/verifica`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('h1').innerText()).toBe('Verify a certificate');
    await page.fill('#verify-code', code);
    await page.click('#verify-submit');
    await page.waitForURL(`${t.baseUrl}/en/verifica/${code}`);
    expect(await page.locator('#verify-result h1').innerText()).toBe('Valid certificate');
    expect(await page.locator('#verify-attendance').innerText()).toBe('3 of 3 meetings');
    expect(await page.locator('#verify-hours').innerText()).toBe('9 hours');
    expect(await page.locator('#verify-cycle').getAttribute('lang')).toBe('it');
    expect(await page.locator('link[rel=alternate][hreflang=it]').getAttribute('href')).toBe(`${t.baseUrl}/verifica/${code}`);
    expect(await page.locator('link[rel=alternate][hreflang=en]').getAttribute('href')).toBe(`${t.baseUrl}/en/verifica/${code}`);

    const res = await page.goto(`${t.baseUrl}/en/verifica/${forged}`);
    expect(res?.status()).toBe(404);
    expect(await page.locator('#verify-result h1').innerText()).toBe('No certificate with this code');
  });

  for (const lang of ['it', 'en'] as const) {
    it(`/verifica and /verifica/<code> (${lang}) have no axe-core violations`, async () => {
      const prefix = lang === 'en' ? '/en' : '';
      for (const [name, path, status] of [
        ['verify', '/verifica', 200],
        ['verify-valid', `/verifica/${code}`, 200],
        ['verify-not-found', `/verifica/${forged}`, 404],
      ] as const) {
        const res = await page.goto(`${t.baseUrl}${prefix}${path}`);
        expect(res?.status()).toBe(status);
        expect(await page.locator('html').getAttribute('lang')).toBe(lang);
        await expectNoViolations(page, `${name} (${lang})`);
        await screenshots(page, `${name}-${lang}`);
      }
    });
  }
});
