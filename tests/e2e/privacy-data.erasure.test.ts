// Each person's own data, in a real browser. From "my registration": "download" gives the JSON of that
// registration only; "erase" takes two steps (a page that says what goes and what stays, and that the
// whole address is a separate, mailed link; then one button), ends on a page that needs no token, and
// afterwards that link is the 404 page, the certificate no longer verifies, while her other registration
// is untouched. Everything about the address: /dati asks for the one-time link (the same answer for any
// address), the link's page lists her registrations, downloads everything, and erases it all after a
// confirmation box (the seat of a cycle not yet ended goes to the waiting list, the link is used up).
// Also without JavaScript and in English; axe-core on these pages in both languages.
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenKit } from '../../server/lib/tokens.ts';
import { expectNoViolations, launchBrowser, newContext, screenshots, startWebApp, tabTo, type WebApp } from '../helpers/browser.ts';
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

const statusOf = async (token: string) => {
  const res = await t.app.inject({ method: 'GET', url: `/api/registrations/${token}` });
  return res.statusCode === 200 ? (res.json().registration.status as string) : res.statusCode;
};

/** The token of the newest one-time link of this address, as the worker derives it for the mail. */
async function personLinkToken(email: string): Promise<string> {
  const row = await t.database.db
    .selectFrom('personal_data_requests as q')
    .innerJoin('participants as p', 'p.id', 'q.participant_id')
    .select('q.id')
    .where('p.email', '=', email)
    .orderBy('q.created_at', 'desc')
    .executeTakeFirstOrThrow();
  return tokenKit(Buffer.from(t.config.secretKey!, 'utf8')).token('personal-data', row.id, 0);
}

describe('download my data', () => {
  it('"my registration" offers the JSON export of that registration only', async () => {
    await page.goto(`${t.baseUrl}/iscrizione/${ended.anna.token}`);
    const link = page.locator('#data-download');
    expect(await link.getAttribute('href')).toBe(`/api/registrations/${ended.anna.token}/personal-data`);
    expect(await page.locator('#data-all').getAttribute('href')).toBe('/dati');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('officina-dati-iscrizione.json');
    const text = fs.readFileSync((await download.path())!, 'utf8');
    const data = JSON.parse(text);
    expect(data.email).toBe(ended.anna.email);
    // This registration, with her attendance and her certificate; not her other cycle.
    expect(data.registration.cycle.slug).toBe(ended.cycle.slug);
    expect(data.registration.attendance.filter((a: { present: boolean }) => a.present)).toHaveLength(3);
    expect(data.registration.certificate.code).toBe(code);
    expect(text).not.toContain(openSlug);
    expect(text).not.toContain(annaOpen.id);
  });
});
describe('erase my data', () => {
  it('the confirmation step says what goes and what stays, and "no" changes nothing', async () => {
    await page.goto(`${t.baseUrl}/iscrizione/${ended.anna.token}`);
    await page.click('#data-delete');
    await page.waitForURL(`${t.baseUrl}/iscrizione/${ended.anna.token}/dati/elimina`);
    expect(await page.locator('h1').innerText()).toBe('Vuoi cancellare questa iscrizione e i suoi dati?');
    const lead = await page.locator('.lead').innerText();
    expect(lead).toContain(ended.anna.email);
    expect(lead).toContain(ended.cycle.title);
    expect(lead).toContain('Le altre iscrizioni fatte con lo stesso indirizzo restano');
    const what = await page.locator('#erase-what').innerText();
    expect(what).toContain('nome, cognome, ente');
    expect(what).toContain('non risulterà più verificabile');
    // The whole address is another way, through a mailed link.
    expect(await page.locator('#erase-all').innerText()).toContain('link monouso');
    expect(await page.locator('#erase-all-request').getAttribute('href')).toBe('/dati');
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
    expect(await page.locator('h1').innerText()).toBe('Do you want to erase this registration and its data?');
    expect(await page.locator('#erase-all-request').getAttribute('href')).toBe('/en/dati');
    await expectNoViolations(page, 'erasure confirmation (en)');
    await screenshots(page, 'data-erase-confirm-en');
  });

  it('the second click erases that registration: a page without the token says what happened; its link is gone, the certificate no longer verifies, her other registration stays', async () => {
    expect((await t.app.inject({ method: 'GET', url: `/api/certificates/${code}` })).statusCode).toBe(200);
    // From "my registration" to the erasure, with the keyboard alone.
    await page.goto(`${t.baseUrl}/iscrizione/${ended.anna.token}`);
    await tabTo(page, '#data-delete', 120);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${t.baseUrl}/iscrizione/${ended.anna.token}/dati/elimina`);
    await tabTo(page, '#confirm-erase');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/dati-cancellati\?iscrizioni=1&annullate=0$/);
    expect(page.url()).not.toContain(ended.anna.token);
    expect(await page.locator('#erased h1').innerText()).toBe('I tuoi dati sono stati cancellati');
    const erased = await page.locator('#erased').innerText();
    expect(erased).toContain('dati personali di 1 iscrizione');
    expect(erased).not.toContain('annullata');
    const main = await page.locator('main').innerText();
    expect(main).toContain('Restano solo conteggi anonimi');
    expect(main).toContain('Le altre iscrizioni fatte con lo stesso indirizzo restano come sono');
    await expectNoViolations(page, 'erasure done (it)');
    await screenshots(page, 'data-erased-it');

    // That link is now the 404 page, which offers to send the links again.
    const res = await page.goto(`${t.baseUrl}/iscrizione/${ended.anna.token}`);
    expect(res?.status()).toBe(404);
    expect(await page.locator('h1').innerText()).toBe('Iscrizione non trovata');
    expect(await page.locator('#error-links').getAttribute('href')).toBe('/recupera-link');
    expect((await page.goto(`${t.baseUrl}/iscrizione/${ended.anna.token}/dati/elimina`))?.status()).toBe(404);
    expect((await page.goto(`${t.baseUrl}/verifica/${code}`))?.status()).toBe(404);
    // Her registration in the open cycle is untouched; Dario still waits.
    expect(await statusOf(annaOpen.token)).toBe('confirmed');
    expect(await statusOf(dario.token)).toBe('waitlisted');
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

describe('everything about my address (the one-time link)', () => {
  const ACCEPTED_IT =
    'Se conserviamo dati legati a questo indirizzo, riceverai a breve un’email con un link personale, valido un’ora, per scaricarli o cancellarli.';

  async function ask(p: Page, email: string, prefix = ''): Promise<string> {
    await p.goto(`${t.baseUrl}${prefix}/dati`);
    await p.fill('#email', email);
    await p.click('#data-request-submit');
    await p.locator('#data-request-sent, #data-request-problem').waitFor();
    return p.locator('#data-request-sent, #data-request-problem').evaluate((el) => el.outerHTML);
  }

  it('/dati answers the same for a known and an unknown address', async () => {
    const unknown = await ask(page, `nessuna.${Date.now()}@comune.example.it`);
    const known = await ask(page, annaOpen.email);
    expect(known).toBe(unknown);
    expect(await page.locator('#data-request-message').innerText()).toBe(ACCEPTED_IT);
    await expectNoViolations(page, 'person data request (it)');
    await screenshots(page, 'person-data-request-it');
    await page.goto(`${t.baseUrl}/en/dati`);
    expect(await page.locator('h1').innerText()).toBe('All your data');
    await expectNoViolations(page, 'person data request (en)');
  });

  it("the link's page lists her registrations and downloads everything; erasing needs the box ticked, then erases it all and uses the link up", async () => {
    const token = await personLinkToken(annaOpen.email);
    await page.goto(`${t.baseUrl}/dati/${token}`);
    expect(await page.locator('h1').innerText()).toBe('I tuoi dati personali');
    expect(await page.locator('.lead').innerText()).toContain(annaOpen.email);
    expect(await page.locator('#person-registrations').innerText()).toContain('Progettare con le comunità');
    await expectNoViolations(page, 'person data page (it)');
    await screenshots(page, 'person-data-page-it');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#person-download')]);
    expect(download.suggestedFilename()).toBe('officina-dati-personali.json');
    const data = JSON.parse(fs.readFileSync((await download.path())!, 'utf8'));
    expect(data.participant.email).toBe(annaOpen.email);
    expect(data.registrations.map((r: { id: string }) => r.id)).toEqual([annaOpen.id]);

    // Without the box: nothing happens, the problem is said next to it.
    await page.click('#person-erase');
    await page.locator('#understood-error').waitFor();
    expect(await page.locator('#understood-error').innerText()).toContain('spunta la casella');
    expect(await statusOf(annaOpen.token)).toBe('confirmed');

    await page.check('#understood');
    await page.click('#person-erase');
    await page.waitForURL(/\/dati-cancellati\?iscrizioni=1&annullate=1&tutto=1$/);
    expect(page.url()).not.toContain(token);
    expect(await page.locator('#erased').innerText()).toContain('1 iscrizione a un ciclo non ancora concluso è stata annullata');
    expect(await page.locator('main').innerText()).toContain('I link personali che avevi ricevuto');

    // Her seat went to Dario; the link is used up (the 404 page offers a new one); her address is gone.
    expect(await statusOf(dario.token)).toBe('confirmed');
    expect(await statusOf(annaOpen.token)).toBe(404);
    const res = await page.goto(`${t.baseUrl}/dati/${token}`);
    expect(res?.status()).toBe(404);
    expect(await page.locator('h1').innerText()).toBe('Link non valido o scaduto');
    expect(await page.locator('#error-person-link').getAttribute('href')).toBe('/dati');
    await expectNoViolations(page, 'person link gone (it)');
    const left = await t.database.db.selectFrom('participants').select('id').where('email', '=', ended.anna.email).execute();
    expect(left).toEqual([]);
  });

  it('in English and without JavaScript, the link page erases with a plain form post', async () => {
    const elena = await signUp(t.app, openSlug, { firstName: 'Elena' });
    expect((await t.app.inject({ method: 'POST', url: '/api/personal-data/requests', payload: { email: elena.email } })).statusCode).toBe(202);
    const token = await personLinkToken(elena.email);
    // Viewing does not use the link up.
    await page.goto(`${t.baseUrl}/en/dati/${token}`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('h1').innerText()).toBe('Your personal data');
    await expectNoViolations(page, 'person data page (en)');
    await screenshots(page, 'person-data-page-en');
    const noJs = await newContext(browser, { javaScriptEnabled: false });
    try {
      const p = await noJs.newPage();
      await p.goto(`${t.baseUrl}/en/dati/${token}`);
      await p.check('#understood');
      await p.click('#person-erase');
      await p.waitForURL(/\/en\/dati-cancellati\?iscrizioni=1&annullate=1&tutto=1$/);
      expect(await p.locator('#erased').innerText()).toContain('We erased the personal data of 1 registration.');
    } finally {
      await noJs.close();
    }
    expect(await statusOf(elena.token)).toBe(404);
  });
});
