// The sign-up journey in a real browser: browse, filter, open a cycle, register, confirmation, the
// private page, cancel in two clicks, the seat is free again; the waiting list; no JavaScript; errors.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillSignup, focused, holdPageScripts, launchBrowser, newContext, startWebApp, type WebApp } from '../helpers/browser.ts';
import { registrationBody } from '../helpers/factories.ts';
import { person, seatsLeft, seedProgramme, tokenOf } from './programme.ts';

let t: WebApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;

const ITALIAN_SESSION =
  /(lunedì|martedì|mercoledì|giovedì|venerdì|sabato|domenica) \d{1,2} (gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre) \d{4}, \d{2}:\d{2}–\d{2}:\d{2}/;

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

const cardTitles = (p: Page) => p.locator('.cards h3').allInnerTexts();

describe('public site, Italian, with JavaScript', () => {
  it('browse, filter, open a cycle, register, see the confirmation, cancel in two clicks: the seat is free again', async () => {
    await page.goto(t.baseUrl + '/');
    expect(await page.locator('html').getAttribute('lang')).toBe('it');
    await expect.poll(() => page.locator('h1').innerText()).toBe('Laboratori e incontri');
    const upcoming = await cardTitles(page);
    expect(upcoming).toContain('La mediazione interculturale');
    expect(upcoming).toContain('Comunicazione generativa e inclusiva');
    expect(upcoming).not.toContain('Welfare di comunità (edizione conclusa)');

    // Filter by format: only the online cycle.
    await page.selectOption('#f-format', 'online');
    await page.click('button:has-text("Applica i filtri")');
    await page.waitForURL(/format=online/);
    expect(await cardTitles(page)).toEqual(['Comunicazione generativa e inclusiva']);

    // By theme.
    await page.selectOption('#f-format', '');
    await page.selectOption('#f-theme', 'mediazione');
    await page.click('button:has-text("Applica i filtri")');
    await page.waitForURL(/theme=mediazione/);
    expect(await cardTitles(page)).toEqual(['La mediazione interculturale']);

    // Past cycles stay visible.
    await page.goto(t.baseUrl + '/?when=past');
    expect(await cardTitles(page)).toEqual(['Welfare di comunità (edizione conclusa)']);
    expect(await page.locator('.cards .badge').innerText()).toBe('Ciclo concluso');

    // Open the cycle from its card.
    await page.goto(t.baseUrl + '/?theme=mediazione');
    const card = page.locator('.cards li', { hasText: 'La mediazione interculturale' });
    expect(await card.innerText()).toContain('10 posti disponibili');
    expect(await card.innerText()).toMatch(/Incontri\s+4/);
    await card.locator('h3 a').click();
    await page.waitForURL(/\/cicli\/mediazione-interculturale$/);
    expect(await page.locator('#seats-left').innerText()).toContain('10 posti disponibili');
    const sessions = await page.locator('.sessions li .when').allInnerTexts();
    expect(sessions).toHaveLength(4);
    for (const s of sessions) expect(s).toMatch(ITALIAN_SESSION);

    // Register. The consent asked for names the version of the notice the server records.
    expect(await page.locator('label[for=consent]').innerText()).toBe(
      `Dichiaro di aver preso visione dell'informativa (art. 13 GDPR), versione del ${t.config.privacyVersion}.`,
    );
    const me = person('journey');
    await fillSignup(page, { ...me, consent: true });
    await page.click('button[type=submit]:has-text("Iscriviti")');
    await page.waitForURL(/\/iscrizione\/[A-Za-z0-9_-]{43}\?nuova=1$/);
    const banner = await page.locator('#confirmation').innerText();
    expect(banner).toContain('Grazie Giulia, iscrizione confermata');
    expect(banner).toContain('Il tuo posto a «La mediazione interculturale» è riservato.');
    expect(banner).toContain(me.email);
    expect(await seatsLeft(t, 'mediazione-interculturale')).toBe(9);

    // The consent stored is the version of the notice the form showed.
    const stored = await t.database.db
      .selectFrom('registrations')
      .innerJoin('participants', 'participants.id', 'registrations.participant_id')
      .select(['registrations.consent_version', 'registrations.locale'])
      .where('participants.email', '=', me.email)
      .executeTakeFirstOrThrow();
    expect(stored.consent_version).toBe(t.config.privacyVersion);
    expect(stored.locale).toBe('it');

    // The private page, as opened from the email.
    const token = tokenOf(page.url().split('?')[0]!);
    await page.goto(`${t.baseUrl}/iscrizione/${token}`);
    expect(await page.locator('h1').innerText()).toBe('La mia iscrizione');
    expect(await page.locator('#registration-status').innerText()).toBe('Confermata');
    const subscribe = await page.locator('#calendar-subscribe').getAttribute('href');
    expect(subscribe).toMatch(new RegExp(`^webcal://127\\.0\\.0\\.1:\\d+/ical/registrations/[A-Za-z0-9_-]{43}\\.ics$`));
    const download = await page.locator('#calendar-download').getAttribute('href');
    expect(download).toMatch(new RegExp(`^${t.baseUrl}/ical/registrations/[A-Za-z0-9_-]{43}\\.ics\\?download=1$`));
    expect(await page.locator('.howto').innerText()).toMatch(/Google Calendar[\s\S]*Outlook[\s\S]*Apple Calendar/);
    const sessionsHere = await page.locator('.sessions li .when').allInnerTexts();
    expect(sessionsHere).toEqual(sessions);

    // Cancel: first click, the confirmation step, second click.
    await page.click('#cancel-link');
    await page.waitForURL(/\/iscrizione\/[A-Za-z0-9_-]{43}\/annulla$/);
    expect(await page.locator('h1').innerText()).toBe("Vuoi annullare l'iscrizione?");
    expect(await seatsLeft(t, 'mediazione-interculturale')).toBe(9);
    await page.click('#confirm-cancel');
    await page.waitForURL(/\?annullata=1$/);
    expect(await page.locator('#confirmation h1').innerText()).toBe('Iscrizione annullata');
    expect(await page.locator('#registration-status').innerText()).toBe('Annullata');
    expect(await page.locator('#cancel-link').count()).toBe(0);

    // The seat is free again, on the cycle page too.
    expect(await seatsLeft(t, 'mediazione-interculturale')).toBe(10);
    await page.goto(`${t.baseUrl}/cicli/mediazione-interculturale`);
    expect(await page.locator('#seats-left').innerText()).toContain('10 posti disponibili');
  });

  it('a full cycle offers the waiting list with the position, and the sign-up lands there', async () => {
    await page.goto(`${t.baseUrl}/cicli/valutare-i-progetti`);
    expect(await page.locator('#cycle-status').innerText()).toBe("Posti esauriti · lista d'attesa aperta");
    expect(await page.locator('#waitlist-note').innerText()).toContain('saresti in posizione 2');
    await fillSignup(page, { ...person('waitlist'), consent: true });
    await page.click('button[type=submit]:has-text("Iscriviti alla lista d\'attesa")');
    await page.waitForURL(/\?nuova=1$/);
    expect(await page.locator('#confirmation h1').innerText()).toBe("Grazie Giulia, sei in lista d'attesa");
    expect(await page.locator('#confirmation').innerText()).toContain('in posizione 2');
    expect(await page.locator('#registration-status').innerText()).toBe("In lista d'attesa");
    expect(await page.locator('#waitlist-position').innerText()).toBe("Sei in posizione 2 nella lista d'attesa.");
  });

  it('what is typed before the page’s script arrives (a slow phone) is kept when it arrives, and the sign-up goes through', async () => {
    const slow = await context.newPage();
    try {
      const scripts = await holdPageScripts(slow);
      await slow.goto(`${t.baseUrl}/cicli/mediazione-interculturale`, { waitUntil: 'domcontentloaded' });
      const typed = person('slow-phone');
      await fillSignup(slow, { ...typed, consent: true });
      await scripts.release();
      for (const [field, value] of Object.entries(typed)) expect(await slow.inputValue(`#${field}`), field).toBe(value);
      expect(await slow.isChecked('#consent')).toBe(true);
      await Promise.all([slow.waitForURL(/\?nuova=1$/), slow.click('button[type=submit]')]);
      expect(await slow.locator('#confirmation h1').innerText()).toContain(`Grazie ${typed.firstName}`);
    } finally {
      await slow.close();
    }
  });

  it('a form with errors shows each message next to its field, keeps the values and moves focus to the summary', async () => {
    await page.goto(`${t.baseUrl}/cicli/comunicazione-generativa`);
    await fillSignup(page, { firstName: 'Giulia', email: 'giulia-at-comune', role: 'Insegnante' });
    await page.click('button[type=submit]');
    await page.locator('#error-summary').waitFor();
    expect(page.url()).toBe(`${t.baseUrl}/cicli/comunicazione-generativa`);
    expect((await focused(page)).id).toBe('error-summary');
    expect(await page.locator('#error-summary').getAttribute('role')).toBe('alert');
    expect(await page.locator('#error-summary h3').innerText()).toBe('Ci sono 4 errori da correggere');

    expect(await page.locator('#email').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#email').getAttribute('aria-describedby')).toContain('email-error');
    expect(await page.locator('#email-error').innerText()).toContain('Inserisci un indirizzo email valido');
    expect(await page.locator('#lastName-error').innerText()).toContain('Inserisci il tuo cognome');
    expect(await page.locator('#organisation-error').innerText()).toContain("Indica l'ente");
    expect(await page.locator('#consent-error').innerText()).toContain("aver preso visione dell'informativa");
    expect(await page.locator('#firstName').getAttribute('aria-invalid')).toBeNull();

    // What was typed is still there.
    expect(await page.inputValue('#firstName')).toBe('Giulia');
    expect(await page.inputValue('#email')).toBe('giulia-at-comune');
    expect(await page.inputValue('#role')).toBe('Insegnante');

    // The summary links lead to the fields.
    await page.click('#error-summary a[href="#email"]');
    expect((await focused(page)).id).toBe('email');
    expect(await seatsLeft(t, 'comunicazione-generativa')).toBe(20);
  });

  it('signing up twice with the same address says so and points to the email', async () => {
    const body = registrationBody();
    const first = await t.app.inject({ method: 'POST', url: '/api/cycles/comunicazione-generativa/registrations', payload: body });
    expect(first.statusCode).toBe(201);
    await page.goto(`${t.baseUrl}/cicli/comunicazione-generativa`);
    await fillSignup(page, { firstName: 'Giulia', lastName: 'Rossi', email: body.email, organisation: 'Comune di Bergamo', consent: true });
    await page.click('button[type=submit]');
    const notice = page.locator('.notice[role=alert]', { hasText: 'Iscrizione già presente' });
    await notice.waitFor();
    expect(await notice.innerText()).toContain("nell'email di conferma");
    expect(await notice.innerText()).toContain(body.email);
    expect(await page.inputValue('#email')).toBe(body.email);
  });

  it('closed, full and not-yet-open cycles say so and what to do next, without a form', async () => {
    await page.goto(`${t.baseUrl}/cicli/partecipazione-attiva`);
    // "dall'11 dicembre", "dal 1° dicembre", never "dal 11" or "dal 1" (format.ts datePhrase).
    const status = await page.locator('#cycle-status').innerText();
    expect(status).toMatch(/^Iscrizioni (dal (1°|\d{1,2})|dall'(8|11)) \w+ \d{4}$/);
    expect(status).not.toMatch(/dal (1|8|11) /);
    const opens = await page.locator('.signup-section').innerText();
    expect(opens).toMatch(/Le iscrizioni si aprono (il (1°|\d{1,2})|l'(8|11)) \w+ \d{4}, \d{2}:\d{2}\./);
    expect(opens).not.toMatch(/il (1|8|11) /);
    expect(await page.locator('form.signup').count()).toBe(0);
    await page.goto(`${t.baseUrl}/cicli/coprogettazione`);
    expect(await page.locator('.signup-section').innerText()).toContain('Le iscrizioni a questo ciclo sono chiuse.');
    expect(await page.locator('form.signup').count()).toBe(0);
    await page.goto(`${t.baseUrl}/cicli/emergenza-ucraina`);
    expect(await page.locator('.signup-section').innerText()).toContain("non prevede una lista d'attesa");
    expect(await page.locator('form.signup').count()).toBe(0);
  });
});

describe('public site without JavaScript', () => {
  let noJs: BrowserContext;
  let p: Page;

  beforeAll(async () => {
    noJs = await newContext(browser, { javaScriptEnabled: false });
    p = await noJs.newPage();
  });
  afterAll(async () => {
    await noJs?.close();
  });

  it('the same sign-up works as plain form posts, errors included', async () => {
    await p.goto(`${t.baseUrl}/cicli/comunicazione-generativa`);
    // The page would be enhanced if scripts could run; here they can't.
    expect(await p.locator('script').count()).toBeGreaterThan(0);
    const me = person('nojs');
    await fillSignup(p, { ...me, email: 'broken', consent: false });
    await p.click('button[type=submit]');
    await p.waitForLoadState('load');
    expect(await p.locator('#email-error').innerText()).toContain('Inserisci un indirizzo email valido');
    expect(await p.locator('#consent-error').innerText()).toContain('informativa');
    expect(await p.inputValue('#firstName')).toBe(me.firstName);
    expect(await p.inputValue('#network')).toBe(me.network);
    expect((await focused(p)).id).toBe('error-summary');

    await p.fill('#email', me.email);
    await p.check('#consent');
    await p.click('button[type=submit]');
    await p.waitForURL(/\/iscrizione\/[A-Za-z0-9_-]{43}\?nuova=1$/);
    expect(await p.locator('#confirmation h1').innerText()).toBe('Grazie Giulia, iscrizione confermata');
    expect(await seatsLeft(t, 'comunicazione-generativa')).toBe(18);

    // And cancelling, still without JavaScript.
    await p.click('#cancel-link');
    await p.waitForURL(/\/annulla$/);
    await p.click('#confirm-cancel');
    await p.waitForURL(/\?annullata=1$/);
    expect(await p.locator('#registration-status').innerText()).toBe('Annullata');
    expect(await seatsLeft(t, 'comunicazione-generativa')).toBe(19);
  });
});
