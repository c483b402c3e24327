// Each person's own data, in a real browser: "download my data" from "my registration" gives the JSON
// export; "erase my data" takes two steps (a page that says what goes and what stays, then one button),
// ends on a page that needs no token, and afterwards the old link is the 404 page, the seat of a cycle
// not yet ended went to the waiting list and the certificate no longer verifies. Also without
// JavaScript and in English; axe-core on the two erasure pages in both languages.
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, describeViolations, launchBrowser, newContext, screenshots, startWebApp, tabTo, type WebApp } from '../helpers/browser.ts';
import { createCycle } from '../helpers/factories.ts';
import { signUp, type Person } from '../integration/materials.support.ts';
import { endedCycleWithMaterials, issueCertificate, type EndedCycle } from './materials.fixture.ts';

let t: WebApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let ended: EndedCycle;
let openSlug: string;
/** Anna again, in a cycle still open (capacity 1): her seat; Dario waits for it. */
let annaOpen: Person;
let dario: Person;
let code: string;

beforeAll(async () => {
  t = await startWebApp();
  ended = await endedCycleWithMaterials(t);
  code = await issueCertificate(t, ended.anna.token);
  const { cycle } = await createCycle(t.database.db, { title: 'Progettare con le comunità', capacity: 1 });
  openSlug = cycle.slug;
  annaOpen = await signUp(t.app, openSlug, { firstName: 'Anna', lastName: ended.anna.lastName, email: ended.anna.email });
  dario = await signUp(t.app, openSlug, { firstName: 'Dario' });
  expect([annaOpen.status, dario.status]).toEqual(['confirmed', 'waitlisted']);
  browser = await launchBrowser();
  context = await newContext(browser, { acceptDownloads: true });
  page = await context.newPage();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await t?.close();
});

async function expectNoViolations(p: Page, what: string) {
  for (const width of [390, 1280]) {
    await p.setViewportSize({ width, height: 900 });
    const violations = await axeViolations(p);
    expect(violations, `${what} at ${width}px:\n${describeViolations(violations)}`).toEqual([]);
  }
}

const statusOf = async (token: string) => {
  const res = await t.app.inject({ method: 'GET', url: `/api/registrations/${token}` });
  return res.statusCode === 200 ? (res.json().registration.status as string) : res.statusCode;
};

describe('download my data', () => {
  it('"my registration" offers the JSON export of everything held about the person', async () => {
    await page.goto(`${t.baseUrl}/iscrizione/${ended.anna.token}`);
    const link = page.locator('#data-download');
    expect(await link.getAttribute('href')).toBe(`/api/registrations/${ended.anna.token}/personal-data`);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('officina-dati-personali.json');
    const data = JSON.parse(fs.readFileSync((await download.path())!, 'utf8'));
    expect(data.participant.email).toBe(ended.anna.email);
    // Both of her registrations, with her attendance and her certificate.
    const cycles = (data.registrations as { cycle: { slug: string } }[]).map((r) => r.cycle.slug).sort();
    expect(cycles).toEqual([ended.cycle.slug, openSlug].sort());
    const past = data.registrations.find((r: { cycle: { slug: string } }) => r.cycle.slug === ended.cycle.slug);
    expect(past.attendance.filter((a: { present: boolean }) => a.present)).toHaveLength(3);
    expect(past.certificate.code).toBe(code);
  });
});

describe('erase my data', () => {
  it('the confirmation step says what goes and what stays, and "no" changes nothing', async () => {
    await page.goto(`${t.baseUrl}/iscrizione/${ended.anna.token}`);
    await page.click('#data-delete');
    await page.waitForURL(`${t.baseUrl}/iscrizione/${ended.anna.token}/dati/elimina`);
    expect(await page.locator('h1').innerText()).toBe('Vuoi cancellare i tuoi dati personali?');
    expect(await page.locator('.lead').innerText()).toContain(ended.anna.email);
    const what = await page.locator('#erase-what').innerText();
    expect(what).toContain('nome, cognome, email');
    expect(what).toContain('non risulteranno più verificabili');
    expect(await page.locator('main').innerText()).toContain('Solo conteggi anonimi');
    expect(await page.locator('#erase-data-download').getAttribute('href')).toBe(`/api/registrations/${ended.anna.token}/personal-data`);
    await expectNoViolations(page, 'erasure confirmation (it)');
    await screenshots(page, 'data-erase-confirm-it');

    await page.click('#keep-data');
    await page.waitForURL(`${t.baseUrl}/iscrizione/${ended.anna.token}`);
    expect(await statusOf(ended.anna.token)).toBe('confirmed');
  });

  it('the English confirmation step has no violations', async () => {
    const res = await page.goto(`${t.baseUrl}/en/iscrizione/${ended.anna.token}/dati/elimina`);
    expect(res?.status()).toBe(200);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('h1').innerText()).toBe('Do you want to erase your personal data?');
    await expectNoViolations(page, 'erasure confirmation (en)');
    await screenshots(page, 'data-erase-confirm-en');
  });

  it('the second click erases: a page without the token says what happened; the old links are gone, the waiting list moves, the certificate no longer verifies', async () => {
    expect((await t.app.inject({ method: 'GET', url: `/api/certificates/${code}` })).statusCode).toBe(200);
    // From "my registration" to the erasure, with the keyboard alone.
    await page.goto(`${t.baseUrl}/iscrizione/${ended.anna.token}`);
    await tabTo(page, '#data-delete', 120);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${t.baseUrl}/iscrizione/${ended.anna.token}/dati/elimina`);
    await tabTo(page, '#confirm-erase');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/dati-cancellati\?iscrizioni=2&annullate=1$/);
    expect(page.url()).not.toContain(ended.anna.token);
    expect(await page.locator('#erased h1').innerText()).toBe('I tuoi dati sono stati cancellati');
    const erased = await page.locator('#erased').innerText();
    expect(erased).toContain('dati personali di 2 iscrizioni');
    expect(erased).toContain('1 iscrizione a un ciclo non ancora concluso è stata annullata');
    expect(await page.locator('main').innerText()).toContain('Restano solo conteggi anonimi');
    await expectNoViolations(page, 'erasure done (it)');
    await screenshots(page, 'data-erased-it');

    // Both of her links are now the 404 page, which offers to send the links again.
    for (const token of [ended.anna.token, annaOpen.token]) {
      const res = await page.goto(`${t.baseUrl}/iscrizione/${token}`);
      expect(res?.status()).toBe(404);
      expect(await page.locator('h1').innerText()).toBe('Iscrizione non trovata');
      expect(await page.locator('#error-links').getAttribute('href')).toBe('/link');
    }
    expect((await page.goto(`${t.baseUrl}/iscrizione/${ended.anna.token}/dati/elimina`))?.status()).toBe(404);
    // Her seat in the open cycle went to Dario; her certificate no longer verifies.
    expect(await statusOf(dario.token)).toBe('confirmed');
    expect((await page.goto(`${t.baseUrl}/verify/${code}`))?.status()).toBe(404);
    // Nothing of hers is left to find by her address.
    const left = await t.database.db.selectFrom('participants').select('id').where('email', '=', ended.anna.email).execute();
    expect(left).toEqual([]);
  });

  it('without JavaScript and in English, the same two steps work as plain form posts', async () => {
    const noJs = await newContext(browser, { javaScriptEnabled: false });
    try {
      const p = await noJs.newPage();
      await p.goto(`${t.baseUrl}/en/iscrizione/${ended.bruno.token}`);
      await p.click('#data-delete');
      await p.waitForURL(`${t.baseUrl}/en/iscrizione/${ended.bruno.token}/dati/elimina`);
      await p.click('#confirm-erase');
      await p.waitForURL(/\/en\/dati-cancellati\?iscrizioni=1&annullate=0$/);
      expect(await p.locator('html').getAttribute('lang')).toBe('en');
      expect(await p.locator('#erased').innerText()).toContain('We erased the personal data of 1 registration.');
      expect(await p.locator('#erased').innerText()).not.toContain('cancelled');
      expect(await statusOf(ended.bruno.token)).toBe(404);
    } finally {
      await noJs.close();
    }
    const res = await page.goto(`${t.baseUrl}/en/dati-cancellati?iscrizioni=1&annullate=0`);
    expect(res?.status()).toBe(200);
    await expectNoViolations(page, 'erasure done (en)');
    await screenshots(page, 'data-erased-en');
  });
});
