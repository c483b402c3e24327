// axe-core (WCAG 2.1 A and AA) on every console page and on the participant's check-in pages, at phone
// (390 px) and desktop (1280 px) widths, Italian and English; screenshots for a reviewer
// (test-output/screenshots/console-*.png).
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../helpers/auth.ts';
import { expectNoViolations, launchBrowser, newContext, screenshots, startWebApp, tabTo, type WebApp } from '../helpers/browser.ts';
import { createCycle } from '../helpers/factories.ts';
import { seedConsole, signInThroughPage, signUp, type ConsoleWorld } from './console.fixture.ts';

let t: WebApp;
let w: ConsoleWorld;
let browser: Browser;
let admin: BrowserContext;
let page: Page;
let cycleId = '';
let sessionId = '';
/** A meeting next week: its form can be sent unchanged (the one under way may cross midnight in Rome). */
let nextSessionId = '';
let token = '';

const NOW = Date.now();

beforeAll(async () => {
  t = await startWebApp();
  w = await seedConsole(t);
  const db = t.database.db;
  // A cycle under way: the first meeting started an hour ago, two more to come; sign-up still open.
  const { cycle, sessions } = await createCycle(db, {
    slug: 'mediazione-interculturale',
    title: 'La mediazione interculturale',
    themeSlug: w.themeSlug,
    capacity: 4,
    sessionDays: [-1 / 24, 7, 14],
    registrationClosesAt: new Date(NOW + 5 * 86_400_000),
  });
  cycleId = cycle.id;
  sessionId = sessions[0]!.id;
  nextSessionId = sessions[1]!.id;
  await db.insertInto('cycle_organisers').values({ cycle_id: cycle.id, account_id: w.organiser.id }).execute();
  const people = [
    ['Giulia', 'Rossi', 'Comune di Bergamo', 'Ambito di Dalmine'],
    ['Marco', 'Bianchi', 'Comune di Brescia', 'Ambito di Brescia'],
    ['Sara', 'Verdi', 'Cooperativa Il Ponte', null],
    ['Ahmed', 'Karimi', 'Comune di Bergamo', 'Ambito di Dalmine'],
    ['Elena', 'Neri', 'Comune di Lecco', 'Ambito di Lecco'],
  ] as const;
  const regs = [];
  for (const [firstName, lastName, organisation, network] of people) regs.push(await signUp(t, cycle.slug, { firstName, lastName, organisation, network }));
  token = regs[0]!.token;
  // Two marked present, one absent, through the API as the organiser would.
  const s = await signIn(t.app, w.organiser);
  for (const [i, present] of [
    [0, true],
    [1, true],
    [2, false],
  ] as const) {
    const res = await t.app.inject({
      method: 'PUT',
      url: `/api/admin/sessions/${sessionId}/attendance/${regs[i]!.registration.id}`,
      headers: s.headers,
      payload: { present },
    });
    expect(res.statusCode, res.body).toBe(200);
  }
  const link = await t.app.inject({
    method: 'POST',
    url: `/api/admin/cycles/${cycleId}/materials`,
    headers: s.headers,
    payload: { title: 'Registrazione del primo incontro', url: 'https://video.example.org/incontro-1', visibility: 'registered' },
  });
  expect(link.statusCode, link.body).toBe(201);

  browser = await launchBrowser();
  admin = await newContext(browser);
  page = await admin.newPage();
  await signInThroughPage(page, t.baseUrl, w.admin);
});

afterAll(async () => {
  await admin?.close();
  await browser?.close();
  await t?.close();
});

async function check(p: Page, path: string, name: string, opts: { status?: number; lang?: 'it' | 'en'; shot?: boolean } = {}) {
  const res = await p.goto(t.baseUrl + path);
  expect(res?.status(), `${path}`).toBe(opts.status ?? 200);
  expect(await p.locator('html').getAttribute('lang')).toBe(opts.lang ?? 'it');
  await expectNoViolations(p, name, { noSideScroll: true });
  if (opts.shot !== false) await screenshots(p, `console-${name}`);
}

describe('console pages (administrator)', () => {
  const pages = [
    { name: 'list', path: () => '/console' },
    { name: 'new-cycle', path: () => '/console/cicli/nuovo' },
    { name: 'cycle', path: () => `/console/cicli/${cycleId}` },
    { name: 'cycle-edit', path: () => `/console/cicli/${cycleId}/modifica` },
    { name: 'registrations', path: () => `/console/cicli/${cycleId}/iscrizioni` },
    { name: 'messages', path: () => `/console/cicli/${cycleId}/messaggi` },
    { name: 'materials', path: () => `/console/cicli/${cycleId}/materiali` },
    { name: 'stats', path: () => `/console/cicli/${cycleId}/statistiche` },
    { name: 'session-day', path: () => `/console/incontri/${sessionId}` },
    { name: 'session-change', path: () => `/console/incontri/${sessionId}/modifica` },
    { name: 'session-code', path: () => `/console/incontri/${sessionId}/codice` },
    { name: 'accounts', path: () => '/console/utenti' },
    { name: 'themes', path: () => '/console/temi' },
    { name: 'theme-edit', path: () => `/console/temi?modifica=${w.themeSlug}` },
    { name: 'password', path: () => '/console/password' },
  ];
  for (const p of pages) {
    it(`${p.name} has no violations`, async () => {
      await check(page, p.path(), p.name);
    });
  }

  for (const p of ['list', 'cycle', 'session-day', 'stats', 'registrations', 'themes']) {
    it(`${p} in English has no violations`, async () => {
      const path = pages.find((x) => x.name === p)!.path();
      await check(page, `/en${path}`, `${p}-en`, { lang: 'en', shot: p === 'session-day' || p === 'cycle' });
    });
  }

  it('the roster works with the keyboard alone: Tab to a person, Space marks them, focus stays', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${t.baseUrl}/console/incontri/${sessionId}`, { waitUntil: 'networkidle' });
    const karimi = page.locator('#roster li', { hasText: 'Karimi Ahmed' }).locator('button');
    expect(await karimi.getAttribute('aria-pressed')).toBe('false');
    await tabTo(page, '#roster li:nth-child(2) button');
    expect(await page.evaluate(() => document.activeElement?.textContent ?? '')).toContain('Karimi Ahmed');
    await page.keyboard.press('Space');
    await expect.poll(() => karimi.getAttribute('aria-pressed')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.textContent ?? '')).toContain('Karimi Ahmed');
    await page.keyboard.press('Enter');
    await expect.poll(() => karimi.innerText()).toContain('Assente');
  });

  it('an unknown cycle is the console’s 404 page, without violations', async () => {
    await check(page, '/console/cicli/00000000-0000-4000-8000-000000000000', 'not-found', { status: 404 });
    expect(await page.locator('h1').innerText()).toBe('Pagina non trovata');
  });

  it('forms with errors and confirmation steps have no violations', async () => {
    await page.goto(`${t.baseUrl}/console/cicli/nuovo`);
    await page.click('form.cycle-form button[type=submit]');
    await page.locator('#error-summary').waitFor();
    await expectNoViolations(page, 'new cycle with errors', { noSideScroll: true });
    await screenshots(page, 'console-new-cycle-errors');

    await page.goto(`${t.baseUrl}/console/incontri/${nextSessionId}/modifica`);
    await page.click('#move-submit');
    await page.locator('text=Non è cambiato nulla').waitFor();
    await page.fill('#m-location', 'Bergamo, Via Tasso 8');
    await page.click('#move-submit');
    await page.locator('#move-confirm').waitFor();
    await expectNoViolations(page, 'move confirmation', { noSideScroll: true });
    await screenshots(page, 'console-session-move-confirm');

    await page.goto(`${t.baseUrl}/console/cicli/${cycleId}/iscrizioni`);
    await page.locator('#registrations tbody tr', { hasText: 'Rossi Giulia' }).locator('button').click();
    await page.locator('#cancel-confirm').waitFor();
    await expectNoViolations(page, 'cancel confirmation', { noSideScroll: true });

    await page.goto(`${t.baseUrl}/console/account`);
    await page.fill('#a-name', 'Olga Organizzatrice');
    await page.fill('#a-email', 'olga@officina.test');
    await page.click('#create-account');
    await page.locator('#generated-password').waitFor();
    expect((await page.locator('#generated-password').innerText()).length).toBeGreaterThanOrEqual(10);
    await expectNoViolations(page, 'account created', { noSideScroll: true });
    await screenshots(page, 'console-account-created');
  });
});

describe('signed out, organiser and participant pages', () => {
  it('the sign-in page, its errors, and the organiser’s 403 page have no violations', async () => {
    const ctx = await newContext(browser);
    try {
      const p = await ctx.newPage();
      await check(p, '/console/accedi', 'signin');
      await check(p, '/en/console/accedi', 'signin-en', { lang: 'en', shot: false });
      await p.fill('#email', w.organiser.email);
      await p.fill('#password', 'wrong-password');
      await p.click('button[type=submit]');
      await p.locator('#error-summary').waitFor();
      await expectNoViolations(p, 'sign-in error', { noSideScroll: true });
      await screenshots(p, 'console-signin-error');

      await signInThroughPage(p, t.baseUrl, w.organiser);
      await check(p, '/console/utenti', 'forbidden', { status: 403 });
      expect(await p.locator('h1').innerText()).toBe('Non hai accesso a questa pagina');
    } finally {
      await ctx.close();
    }
  });

  it('the participant’s page with the QR and the check-in link, and the check-in form, have no violations', async () => {
    const ctx = await newContext(browser);
    try {
      const p = await ctx.newPage();
      await check(p, `/iscrizione/${token}`, 'participant-registration');
      expect(await p.locator(`#checkin-${sessionId}`).count()).toBe(1);
      await check(p, `/presenza/${sessionId}?t=${token}`, 'participant-checkin');
      await check(p, `/en/presenza/${sessionId}?t=${token}`, 'participant-checkin-en', { lang: 'en', shot: false });
      await p.goto(`${t.baseUrl}/presenza/${sessionId}?t=${token}`);
      await p.fill('#code', '12');
      await p.click('#checkin-submit');
      await p.locator('#code-error').waitFor();
      await expectNoViolations(p, 'check-in error', { noSideScroll: true });
      await check(p, `/presenza/${sessionId}`, 'participant-checkin-no-link');
    } finally {
      await ctx.close();
    }
  });
});
