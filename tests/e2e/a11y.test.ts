// axe-core (WCAG 2.0/2.1 A and AA rules) on every public page, in both languages, at phone and desktop
// widths; screenshots of each for a reviewer (test-output/screenshots/); and the JavaScript the
// catalogue sends (none: it is server-rendered only).
import zlib from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoViolations, fillSignup, launchBrowser, newContext, screenshots, startWebApp, type WebApp } from '../helpers/browser.ts';
import { person, seedProgramme, tokenOf } from './programme.ts';

let t: WebApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let token: string;

beforeAll(async () => {
  t = await startWebApp();
  await seedProgramme(t);
  browser = await launchBrowser();
  context = await newContext(browser);
  page = await context.newPage();
  // A registration to look at, made through the API like any client would.
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/cycles/mediazione-interculturale/registrations',
    payload: { ...person('a11y'), consent: true },
  });
  token = tokenOf(res.json().registration.manageUrl);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await t?.close();
});

const pages: { name: string; path: () => string; status?: number }[] = [
  { name: 'catalogue', path: () => '/' },
  { name: 'catalogue-past', path: () => '/?when=past' },
  { name: 'cycle', path: () => '/cicli/mediazione-interculturale' },
  { name: 'cycle-waitlist', path: () => '/cicli/valutare-i-progetti' },
  { name: 'cycle-closed', path: () => '/cicli/coprogettazione' },
  { name: 'cycle-upcoming', path: () => '/cicli/partecipazione-attiva' },
  { name: 'cycle-full', path: () => '/cicli/emergenza-ucraina' },
  { name: 'registration-confirmation', path: () => `/iscrizione/${token}?nuova=1` },
  { name: 'registration', path: () => `/iscrizione/${token}` },
  { name: 'cancel-confirm', path: () => `/iscrizione/${token}/annulla` },
  { name: 'privacy', path: () => '/privacy' },
  { name: 'not-found', path: () => '/pagina-che-non-esiste', status: 404 },
  { name: 'cycle-not-found', path: () => '/cicli/non-esiste', status: 404 },
  { name: 'registration-not-found', path: () => '/iscrizione/link-sbagliato', status: 404 },
];

describe('accessibility (axe-core, WCAG 2.1 AA)', () => {
  for (const lang of ['it', 'en'] as const) {
    for (const p of pages) {
      it(`${p.name} (${lang}) has no violations`, async () => {
        const res = await page.goto(`${t.baseUrl}${lang === 'en' ? '/en' : ''}${p.path()}`);
        expect(res?.status()).toBe(p.status ?? 200);
        expect(await page.locator('html').getAttribute('lang')).toBe(lang);
        await expectNoViolations(page, `${p.name} (${lang})`);
        if (lang === 'it' || p.name === 'cycle' || p.name === 'catalogue') await screenshots(page, `${p.name}-${lang}`);
      });
    }
  }

  it('the form with errors has no violations', async () => {
    await page.goto(`${t.baseUrl}/cicli/mediazione-interculturale`);
    await fillSignup(page, { firstName: 'Giulia', email: 'non-valida' });
    await page.click('button[type=submit]');
    await page.locator('#error-summary').waitFor();
    await expectNoViolations(page, 'form with errors');
    await screenshots(page, 'cycle-form-errors-it');
  });

  it('the page shown when registration closed while filling the form has no violations', async () => {
    // Sign-up closes between loading the form and sending it.
    await page.goto(`${t.baseUrl}/cicli/comunicazione-generativa`);
    await t.database.db
      .updateTable('cycles')
      .set({ registration_closes_at: new Date(Date.now() - 60_000) })
      .where('slug', '=', 'comunicazione-generativa')
      .execute();
    await fillSignup(page, { ...person('late'), consent: true });
    await page.click('button[type=submit]');
    await page.locator('h1', { hasText: 'Iscrizioni chiuse' }).waitFor();
    expect(await page.locator('main').innerText()).toContain('Cosa puoi fare');
    expect(await page.locator('main a', { hasText: 'Torna alla pagina del ciclo' }).getAttribute('href')).toBe('/cicli/comunicazione-generativa');
    await expectNoViolations(page, 'closed-registration error page');
    await screenshots(page, 'error-registration-closed-it');
  });
});

describe('JavaScript sent', () => {
  async function scriptsOf(path: string) {
    const p = await context.newPage();
    const urls: string[] = [];
    p.on('response', (r) => {
      if (r.request().resourceType() === 'script') urls.push(r.url());
    });
    await p.goto(`${t.baseUrl}${path}`, { waitUntil: 'networkidle' });
    await p.close();
    let raw = 0;
    let gzip = 0;
    for (const url of urls) {
      const body = Buffer.from(await (await fetch(url)).arrayBuffer());
      raw += body.length;
      gzip += zlib.gzipSync(body, { level: 9 }).length;
    }
    return { files: urls.length, raw, gzip };
  }

  it('the catalogue is server-rendered only; the form pages load a small enhancement bundle', async () => {
    const catalogue = await scriptsOf('/');
    const cycle = await scriptsOf('/cicli/mediazione-interculturale');
    console.log(
      `JS loaded — catalogue: ${catalogue.files} files, ${catalogue.raw} B raw, ${catalogue.gzip} B gzip; ` +
        `cycle page (form, enhanced): ${cycle.files} files, ${cycle.raw} B raw, ${cycle.gzip} B gzip`,
    );
    expect(catalogue.files).toBe(0);
    expect(cycle.files).toBeGreaterThan(0);
  });
});
