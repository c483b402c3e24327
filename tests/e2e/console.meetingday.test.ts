// The meeting day on a phone (issue #15 item 7), in Chromium at 390×844: "Oggi" first on /console, the
// roster above the fold with a search (as one types, and ?q= without JavaScript), "everyone present"
// in two steps, three states per person, no marks before the check-in window, a walk-in registered and
// marked present at once, and the projector's page filling any screen without the console around it.
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoViolations, launchBrowser, newContext, startWebApp, type WebApp } from '../helpers/browser.ts';
import { createCycle } from '../helpers/factories.ts';
import { seedConsole, signInThroughPage, signUp, type ConsoleWorld } from './console.fixture.ts';

const PHONE = { width: 390, height: 844 };
const SHOTS = '/tmp/shots';

let t: WebApp;
let w: ConsoleWorld;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let todayCycle = { id: '', title: '' };
let todayId = '';
let laterId = '';
const people: { name: string; id: string }[] = [];

async function shot(name: string, fullPage = false) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/day-${name}.png`, fullPage });
}

beforeAll(async () => {
  t = await startWebApp();
  w = await seedConsole(t);
  const db = t.database.db;
  // Under way: the first meeting started an hour ago, or at midnight in Rome if that is later (it must be
  // today's meeting whenever the test runs; sign-up still open); a second one in 12 days.
  const romeNow = new Date(new Date().toLocaleString('en-US', { timeZone: 'Europe/Rome' }));
  const minutesSinceMidnight = romeNow.getHours() * 60 + romeNow.getMinutes();
  const startedMinutesAgo = Math.min(60, Math.max(0, minutesSinceMidnight - 1));
  const under = await createCycle(db, {
    title: 'Mediazione interculturale nei servizi',
    themeSlug: w.themeSlug,
    capacity: 6,
    sessionDays: [-startedMinutesAgo / 1440, 12],
    registrationClosesAt: new Date(Date.now() + 5 * 86_400_000),
  });
  todayCycle = { id: under.cycle.id, title: under.cycle.title };
  [todayId, laterId] = [under.sessions[0]!.id, under.sessions[1]!.id];
  // Finished long ago, and one that starts next month: the list puts what is on or coming first.
  const past = await createCycle(db, { title: 'Un ciclo concluso', themeSlug: w.themeSlug, sessionDays: [-60, -53] });
  const coming = await createCycle(db, { title: 'Un ciclo in arrivo', themeSlug: w.themeSlug, sessionDays: [30, 37] });
  for (const c of [under.cycle, past.cycle, coming.cycle])
    await db.insertInto('cycle_organisers').values({ cycle_id: c.id, account_id: w.organiser.id }).execute();
  for (const [firstName, lastName, organisation] of [
    ['Giulia', 'Rossi', 'Comune di Bergamo'],
    ['Marco', 'Bianchi', 'Comune di Brescia'],
    ['Sara', 'Verdi', 'Cooperativa Il Ponte'],
    ['Ahmed', 'Karimi', 'Comune di Bergamo'],
  ] as const) {
    const { registration } = await signUp(t, under.cycle.slug, { firstName, lastName, organisation });
    people.push({ name: `${lastName} ${firstName}`, id: registration.id });
  }
  browser = await launchBrowser();
  context = await newContext(browser, { viewport: PHONE });
  page = await context.newPage();
  await signInThroughPage(page, t.baseUrl, w.organiser);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await t?.close();
});

const toggle = (name: string) => page.locator('#roster li', { hasText: name }).locator('button');
const marks = () => t.database.db.selectFrom('attendance').select(['registration_id', 'present']).where('session_id', '=', todayId).execute();

describe('the meeting day on a phone', () => {
  it('/console starts with "Oggi": today’s meeting with time, place, cycle, figures and one link to its roster', async () => {
    await page.goto(`${t.baseUrl}/console`);
    const today = page.locator('#today');
    expect(await today.locator('h2').innerText()).toContain('Oggi');
    const item = today.locator('li.meeting');
    expect(await item.count()).toBe(1);
    const text = await item.innerText();
    expect(text).toContain('Incontro 1');
    expect(text).toContain(todayCycle.title);
    expect(text).toContain('Milano, Via Rovello 2');
    expect(text).toContain('Presenti 0 su 4 attesi');
    expect(text).toMatch(/\d{2}:\d{2}–\d{2}:\d{2}/);
    // Before the list of cycles, and above the fold.
    const box = await item.locator('a.open').boundingBox();
    expect(box!.y + box!.height).toBeLessThan(PHONE.height);
    expect(box!.height).toBeGreaterThanOrEqual(44);
    // The cycles: on and coming first (soonest first), what is over last.
    const titles = await page.locator('.cycle-list h3').allInnerTexts();
    expect(titles).toEqual([todayCycle.title, 'Un ciclo in arrivo', 'Un ciclo concluso']);
    await shot('oggi');
    await expectNoViolations(page, 'console home with Oggi', { noSideScroll: true });
    await page.setViewportSize(PHONE);
    await Promise.all([page.waitForURL(new RegExp(`/console/incontri/${todayId}$`)), item.locator('a.open').click()]);
  });

  it('the roster starts above the fold, with a search that filters as one types', async () => {
    const search = page.locator('#roster-search');
    const box = await search.boundingBox();
    expect(box!.y).toBeLessThan(PHONE.height);
    const firstPerson = await page.locator('#roster li').first().boundingBox();
    expect(firstPerson!.y).toBeLessThan(PHONE.height);
    await shot('roster');
    expect(await page.locator('#roster li').count()).toBe(4);
    await search.pressSequentially('bergamo');
    await expect.poll(() => page.locator('#roster li').count()).toBe(2);
    expect(await page.locator('#roster li').allInnerTexts()).toEqual([expect.stringContaining('Karimi Ahmed'), expect.stringContaining('Rossi Giulia')]);
    await search.fill('VERDI');
    await expect.poll(() => page.locator('#roster li').count()).toBe(1);
    // By address too (the sign-up fixture writes first.last.n.pid@...).
    await search.fill('marco.bianchi');
    await expect.poll(() => page.locator('#roster li').innerText()).toContain('Bianchi Marco');
    await search.fill('nessuno così');
    await expect.poll(() => page.locator('#roster-listed').innerText()).toContain('Nessuna persona corrisponde');
    await search.fill('');
    await expect.poll(() => page.locator('#roster li').count()).toBe(4);
    await expectNoViolations(page, 'meeting roster', { noSideScroll: true });
    await page.setViewportSize(PHONE);
  });

  it('three states: not marked → presente → assente → not marked, stored each time', async () => {
    const rossi = toggle('Rossi Giulia');
    expect(await rossi.getAttribute('data-state')).toBe('unmarked');
    await rossi.click();
    await expect.poll(() => rossi.getAttribute('data-state')).toBe('present');
    await expect.poll(async () => (await marks()).find((m) => m.registration_id === people[0]!.id)?.present).toBe(true);
    await rossi.click();
    await expect.poll(() => rossi.getAttribute('data-state')).toBe('absent');
    expect(await rossi.innerText()).toContain('Assente');
    await expect.poll(async () => (await marks()).find((m) => m.registration_id === people[0]!.id)?.present).toBe(false);
    await rossi.click();
    await expect.poll(() => rossi.getAttribute('data-state')).toBe('unmarked');
    expect(await rossi.innerText()).toContain('Da segnare');
    await expect.poll(async () => (await marks()).length).toBe(0);
    await page.reload();
    expect(await toggle('Rossi Giulia').getAttribute('data-state')).toBe('unmarked');
  });

  it('"Segna tutti presenti" asks first, then marks only those not yet marked, in one request', async () => {
    // Verdi absent first: she stays absent.
    await toggle('Verdi Sara').click();
    await expect.poll(() => toggle('Verdi Sara').getAttribute('data-state')).toBe('present');
    await toggle('Verdi Sara').click();
    await expect.poll(() => toggle('Verdi Sara').getAttribute('data-state')).toBe('absent');
    expect(await page.locator('.bulk').innerText()).toContain('3 da segnare');
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') posts.push(r.url());
    });
    await page.click('#all-present');
    await page.locator('#all-confirm').waitFor();
    expect(await page.locator('#all-confirm').innerText()).toContain('Segnare presenti le 3 persone non ancora segnate?');
    expect(await marks()).toHaveLength(1); // nothing written by the first step
    await page.click('#all-confirm-yes');
    await expect.poll(() => page.locator('#all-done').innerText()).toContain('3 persone segnate presenti');
    expect(posts.filter((u) => u.includes('markAll'))).toHaveLength(2); // the question, then the one write
    await expect.poll(() => page.locator('#attendance-counts').innerText()).toContain('Presenti: 3 su 4');
    expect(await toggle('Verdi Sara').getAttribute('data-state')).toBe('absent');
    const rows = await marks();
    expect(rows.filter((r) => r.present)).toHaveLength(3);
    expect(rows.find((r) => r.registration_id === people[2]!.id)?.present).toBe(false);
    await expectNoViolations(page, 'roster after everyone present', { noSideScroll: true });
    await page.setViewportSize(PHONE);
  });

  it('a walk-in added on the meeting page is registered and marked present at once', async () => {
    await page.fill('#w-firstName', 'Lucia');
    await page.fill('#w-lastName', 'Galli');
    await page.fill('#w-email', 'lucia.galli@comune.example.it');
    await page.fill('#w-organisation', 'Comune di Lecco');
    await page.check('#w-consent');
    await page.click('#walkin-submit');
    await expect.poll(() => page.locator('#walkin-done').innerText()).toContain('Lucia Galli');
    expect(await page.locator('#walkin-done').innerText()).toContain('presenza segnata');
    await expect.poll(() => toggle('Galli Lucia').getAttribute('data-state')).toBe('present');
    await expect.poll(() => page.locator('#attendance-counts').innerText()).toContain('Presenti: 4 su 5');
    const reg = await t.database.db.selectFrom('registrations').select(['id', 'status', 'source']).where('last_name', '=', 'Galli').executeTakeFirstOrThrow();
    expect(reg).toMatchObject({ status: 'confirmed', source: 'walk_in' });
    expect((await marks()).find((m) => m.registration_id === reg.id)?.present).toBe(true);
  });

  it('without JavaScript the search is a GET form (?q=) and a mark keeps the search', async () => {
    const plain = await newContext(browser, { javaScriptEnabled: false, viewport: PHONE });
    try {
      const p = await plain.newPage();
      await signInThroughPage(p, t.baseUrl, w.organiser, `/console/accedi?next=${encodeURIComponent(`/console/incontri/${todayId}`)}`);
      await p.fill('#roster-search', 'karimi');
      await Promise.all([p.waitForNavigation(), p.press('#roster-search', 'Enter')]);
      expect(new URL(p.url()).searchParams.get('q')).toBe('karimi');
      expect(await p.locator('#roster li').count()).toBe(1);
      const karimi = p.locator('#roster li', { hasText: 'Karimi Ahmed' }).locator('button');
      expect(await karimi.getAttribute('data-state')).toBe('present');
      await Promise.all([p.waitForNavigation(), karimi.click()]);
      expect(new URL(p.url()).searchParams.get('q')).toBe('karimi');
      expect(await p.locator('#roster li').count()).toBe(1);
      expect(await p.locator('#roster li button').getAttribute('data-state')).toBe('absent');
    } finally {
      await plain.close();
    }
  });

  it('12 days before a meeting the toggles are disabled with the reason, and the API refuses a mark', async () => {
    await page.goto(`${t.baseUrl}/console/incontri/${laterId}`);
    expect(await page.locator('#not-open').innerText()).toContain('La presenza si può segnare da mezz’ora prima dell’inizio');
    const buttons = page.locator('#roster li button');
    expect(await buttons.count()).toBe(5);
    for (const b of await buttons.all()) expect(await b.isDisabled()).toBe(true);
    expect(await page.locator('#all-present').count()).toBe(0);
    expect(await page.locator('#walkin-submit').count()).toBe(0);
    // A forged form post gets the server's refusal, in words.
    const res = await page.evaluate(async (id) => {
      const body = new FormData();
      body.set('registrationId', id);
      body.set('present', 'true');
      const r = await fetch('?/mark', { method: 'POST', body, headers: { 'x-sveltekit-action': 'true' } });
      return r.text();
    }, people[0]!.id);
    expect(res).toContain('ora prima dell');
    expect(await t.database.db.selectFrom('attendance').select('registration_id').where('session_id', '=', laterId).execute()).toEqual([]);
    await expectNoViolations(page, 'meeting not open yet', { noSideScroll: true });
  });
});

describe('the projector page', () => {
  for (const size of [{ width: 1280, height: 800 }, { width: 1920, height: 1080 }, PHONE]) {
    it(`fills ${size.width}×${size.height} without the console around it and without scrolling`, async () => {
      await page.setViewportSize(size);
      await page.goto(`${t.baseUrl}/console/incontri/${todayId}/codice`);
      expect(await page.locator('.console-bar').count()).toBe(0);
      expect(await page.locator('header.site-header, footer.site-footer').count()).toBe(0);
      const fits = await page.evaluate(() => ({
        sw: document.documentElement.scrollWidth,
        sh: document.documentElement.scrollHeight,
        iw: window.innerWidth,
        ih: window.innerHeight,
      }));
      expect(fits.sw).toBeLessThanOrEqual(fits.iw);
      expect(fits.sh).toBeLessThanOrEqual(fits.ih);
      // The code itself is on screen, large.
      const code = await page.locator('#check-in-code').boundingBox();
      expect(code!.x).toBeGreaterThanOrEqual(0);
      expect(code!.x + code!.width).toBeLessThanOrEqual(size.width);
      expect(code!.y + code!.height).toBeLessThanOrEqual(size.height);
      expect(code!.height).toBeGreaterThan(size.height / 12);
      expect((await page.locator('#check-in-code').innerText()).replace(/\s/g, '')).toMatch(/^\d{6}$/);
      fs.mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: `${SHOTS}/day-projector-${size.width}x${size.height}.png` });
      await expectNoViolations(page, `projector ${size.width}`, { widths: null });
    });
  }

  it('has a way back to the meeting page', async () => {
    await Promise.all([page.waitForURL(new RegExp(`/console/incontri/${todayId}$`)), page.click('#projector-back')]);
  });
});
