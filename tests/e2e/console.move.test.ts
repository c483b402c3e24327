// Moving a meeting in a real browser, on a phone: the confirmation says the old and the new day and time
// side by side, and warns clearly when the new time is already past (still allowed once confirmed: the
// record is corrected, attendance and certificate hours follow the meeting).
import { TZDate } from '@date-fns/tz';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoViolations, launchBrowser, newContext, startWebApp, type WebApp } from '../helpers/browser.ts';
import { createCycle } from '../helpers/factories.ts';
import { fillMeeting, romeParts, seedConsole, signInThroughPage, signUp, type ConsoleWorld } from './console.fixture.ts';

const PHONE = { width: 390, height: 844 };
const DAY = 86_400_000;
const ROME = 'Europe/Rome';

let t: WebApp;
let w: ConsoleWorld;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let sessionId = '';

/** The Rome wall-clock time `hhmm` on the Rome day `days` from today. */
function romeAt(days: number, hhmm: string): Date {
  const { date } = romeParts(new Date(Date.now() + days * DAY));
  const [y, mo, d] = date.split('-').map(Number);
  const [h, mi] = hhmm.split(':').map(Number);
  return new Date(new TZDate(y!, mo! - 1, d!, h!, mi!, ROME).getTime());
}

/** "mar 9 dicembre", as an Italian reader writes it (the year only when asked). */
const day = (d: Date, withYear: boolean) =>
  new Intl.DateTimeFormat('it-IT', { timeZone: ROME, weekday: 'short', day: 'numeric', month: 'long', ...(withYear && { year: 'numeric' }) }).format(d);
const year = (d: Date) => romeParts(d).date.slice(0, 4);

beforeAll(async () => {
  t = await startWebApp();
  w = await seedConsole(t);
  const { cycle, sessions } = await createCycle(t.database.db, { themeSlug: w.themeSlug, capacity: 5, sessionDays: [14] });
  sessionId = sessions[0]!.id;
  await t.database.db
    .updateTable('sessions')
    .set({ starts_at: romeAt(14, '14:30'), ends_at: romeAt(14, '17:30') })
    .where('id', '=', sessionId)
    .execute();
  await t.database.db.insertInto('cycle_organisers').values({ cycle_id: cycle.id, account_id: w.organiser.id }).execute();
  await signUp(t, cycle.slug, { firstName: 'Giulia', lastName: 'Rossi' });
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

describe('moving a meeting', () => {
  it('shows the old and the new day and time before anyone is told', async () => {
    await page.goto(`${t.baseUrl}/console/incontri/${sessionId}/modifica`);
    const to = { date: romeParts(romeAt(15, '12:00')).date, start: '15:00', end: '18:00' };
    await fillMeeting(page, 'm-', to);
    await page.click('#move-submit');
    await page.locator('#move-confirm').waitFor();
    const [oldStart, newStart] = [romeAt(14, '14:30'), romeAt(15, '15:00')];
    const withYear = year(oldStart) !== year(newStart);
    expect(await page.locator('#move-from-to').innerText()).toBe(`Da ${day(oldStart, withYear)} 14:30–17:30 a ${day(newStart, withYear)} 15:00–18:00`);
    expect(await page.locator('#move-past').count()).toBe(0);
    expect(await page.locator('#move-confirm-button').innerText()).toBe('Sì, sposta e avvisa');
    await expectNoViolations(page, 'move confirmation', { widths: [390], noSideScroll: true });
    await page.screenshot({ path: '/tmp/shots/con-move-confirm-390.png', fullPage: true });
  });

  it('warns clearly when the new time is in the past, and moves it once confirmed', async () => {
    await page.goto(`${t.baseUrl}/console/incontri/${sessionId}/modifica`);
    const to = { date: romeParts(romeAt(-7, '12:00')).date, start: '09:30', end: '12:30' };
    await fillMeeting(page, 'm-', to);
    await page.click('#move-submit');
    await page.locator('#move-confirm').waitFor();
    const [oldStart, newStart] = [romeAt(14, '14:30'), romeAt(-7, '09:30')];
    const withYear = year(oldStart) !== year(newStart);
    expect(await page.locator('#move-from-to').innerText()).toBe(`Da ${day(oldStart, withYear)} 14:30–17:30 a ${day(newStart, withYear)} 09:30–12:30`);
    expect(await page.locator('#move-past').innerText()).toContain('il nuovo orario è già passato');
    expect(await page.locator('#move-confirm-button').innerText()).toBe('Sì, sposta nel passato e avvisa');
    await expectNoViolations(page, 'move into the past', { widths: [390], noSideScroll: true });
    await page.screenshot({ path: '/tmp/shots/con-move-past-390.png', fullPage: true });

    await Promise.all([page.waitForURL(/\?spostato=1/), page.click('#move-confirm-button')]);
    const row = await t.database.db.selectFrom('sessions').select(['starts_at', 'ends_at']).where('id', '=', sessionId).executeTakeFirstOrThrow();
    expect(row.starts_at.getTime()).toBe(newStart.getTime());
    expect(row.ends_at.getTime()).toBe(romeAt(-7, '12:30').getTime());
  });
});
