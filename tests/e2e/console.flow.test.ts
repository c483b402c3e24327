// The organiser's day in a real browser: sign in, create a cycle as a draft with its meetings, publish
// it (it shows in the catalogue), people sign up, take attendance on the roster on a phone (with and
// without JavaScript), the QR scan and the participant's own check-in with the room code, export the
// sheet, sign out. (Running a cycle afterwards: console.manage.test.ts.)
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, startWebApp, type WebApp } from '../helpers/browser.ts';
import { cycleIdOf, fillMeeting, meetingInDays, meetingNow, seedConsole, signInThroughPage, signUp, type ConsoleWorld } from './console.fixture.ts';

let t: WebApp;
let w: ConsoleWorld;
let browser: Browser;
let context: BrowserContext;
let page: Page;

const PHONE = { width: 390, height: 844 };

beforeAll(async () => {
  t = await startWebApp();
  w = await seedConsole(t);
  browser = await launchBrowser();
  context = await newContext(browser, { acceptDownloads: true });
  page = await context.newPage();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await t?.close();
});

// Shared by the steps below, which run in order.
let cycleId = '';
let slug = '';
let todayId = '';
const people: { name: string; id: string; token: string }[] = [];

async function sessionsOfCycle() {
  return t.database.db.selectFrom('sessions').select(['id', 'title', 'starts_at']).where('cycle_id', '=', cycleId).orderBy('starts_at').execute();
}

describe('organiser console, Italian', () => {
  it('without a session every console page sends to the sign-in, and back after it', async () => {
    const res = await page.goto(`${t.baseUrl}/console/cicli/nuovo`);
    expect(res?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/console/accedi');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/console/cicli/nuovo');
    expect(await page.locator('h1').innerText()).toBe('Accedi alla console');

    // A wrong password says so, next to the form.
    await page.fill('#email', w.organiser.email);
    await page.fill('#password', 'not-the-password');
    await page.click('button[type=submit]');
    await expect.poll(() => page.locator('#error-summary').innerText()).toContain('Email o password non corretti');

    await page.fill('#password', w.organiser.password);
    await Promise.all([page.waitForURL(/\/console\/cicli\/nuovo$/), page.click('button[type=submit]')]);
    expect(await page.locator('h1').innerText()).toBe('Nuovo ciclo');
    expect(await page.locator('.console-bar').innerText()).toContain('Oscar Organizzatore');
  });

  it('creates a cycle as a draft, adds two meetings (times on the Rome clock) and publishes it', async () => {
    await page.fill('#title', 'Mediazione interculturale nei servizi');
    await page.fill('#slug', 'mediazione-nei-servizi');
    await page.selectOption('#themeSlug', w.themeSlug);
    await page.check('#format-in_person');
    await page.fill('#location', 'Milano, Via Rovello 2');
    await page.fill('#capacity', '3');
    await page.fill('#summary', 'Quattro incontri per chi lavora allo sportello.');
    await page.fill('#description', 'Un laboratorio pratico.');
    // Sign-up stays open after the first meeting has started (by default it closes then).
    const closes = meetingInDays(6);
    await page.fill('#closesAt', `${closes.date}T23:00`);
    await Promise.all([page.waitForURL(/\/console\/cicli\/[0-9a-f-]{36}\?creato=1$/), page.click('form.cycle-form button[type=submit]')]);
    cycleId = cycleIdOf(page.url());
    slug = 'mediazione-nei-servizi';
    expect(await page.locator('#publication-badge').innerText()).toBe('Bozza');
    expect(await page.locator('main').innerText()).toContain('Bozza creata');

    // Not in the catalogue while a draft.
    expect((await t.app.inject({ method: 'GET', url: `/api/cycles/${slug}` })).statusCode).toBe(404);

    const now = meetingNow();
    await fillMeeting(page, 's-', { title: 'Primo incontro', ...now });
    await page.click('#add-session');
    await expect.poll(() => page.locator('.meetings li').count()).toBe(1);
    const later = meetingInDays(7, '14:00', '17:30');
    await fillMeeting(page, 's-', { title: 'Secondo incontro', ...later });
    await page.click('#add-session');
    await expect.poll(() => page.locator('.meetings li').count()).toBe(2);

    // Stored as the instants those Rome wall-clock times mean.
    const rows = await sessionsOfCycle();
    [todayId] = rows.map((r) => r.id) as [string, string];
    const rome = (d: Date) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Rome', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
    expect(rome(new Date(rows[1]!.starts_at))).toBe('14:00');
    expect(await page.locator('.meetings li').nth(1).innerText()).toContain('14:00–17:30');

    await page.click('#publish');
    await expect.poll(() => page.locator('#publication-badge').innerText()).toBe('Pubblicato');
    expect(await page.locator('#publication-done').innerText()).toContain('pubblicato');

    // The public catalogue lists it now.
    await page.goto(`${t.baseUrl}/`);
    expect(await page.locator('.cards h3').allInnerTexts()).toContain('Mediazione interculturale nei servizi');
  });

  it('takes attendance on the roster at 390 px: two ticks survive a reload, with the percentage', async () => {
    for (const [firstName, lastName, network] of [
      ['Giulia', 'Rossi', 'Ambito di Dalmine'],
      ['Marco', 'Bianchi', 'Ambito di Bergamo'],
      ['Sara', 'Verdi', null],
    ] as const) {
      const { registration, token } = await signUp(t, slug, { firstName, lastName, network });
      people.push({ name: `${lastName} ${firstName}`, id: registration.id, token });
    }
    await page.setViewportSize(PHONE);
    await page.goto(`${t.baseUrl}/console/incontri/${todayId}`);
    expect(await page.locator('#attendance-counts').innerText()).toContain('Presenti: 0 su 3');

    const toggle = (name: string) => page.locator('#roster li', { hasText: name }).locator('button');
    await toggle('Rossi Giulia').click();
    await expect.poll(() => toggle('Rossi Giulia').getAttribute('aria-pressed')).toBe('true');
    await toggle('Bianchi Marco').click();
    await expect.poll(() => toggle('Bianchi Marco').getAttribute('aria-pressed')).toBe('true');
    // The toggle is a big target on a phone.
    const box = await toggle('Rossi Giulia').boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(44);
    expect(box!.width).toBeGreaterThan(300);

    // Stored: a reload shows the same ticks and the figures.
    await expect
      .poll(async () => (await t.database.db.selectFrom('attendance').select('registration_id').where('present', '=', true).execute()).length)
      .toBe(2);
    await page.reload();
    expect(await toggle('Rossi Giulia').getAttribute('aria-pressed')).toBe('true');
    expect(await toggle('Bianchi Marco').getAttribute('aria-pressed')).toBe('true');
    expect(await toggle('Verdi Sara').getAttribute('aria-pressed')).toBe('false');
    expect(await page.locator('#attendance-counts').innerText()).toContain('Presenti: 2 su 3');
    expect(await page.locator('#attendance-percent').innerText()).toMatch(/^67\s?%$/);

    // A second tap marks absent, a third goes back to "not marked", a fourth present again.
    await toggle('Bianchi Marco').click();
    await expect.poll(() => toggle('Bianchi Marco').innerText()).toContain('Assente');
    await toggle('Bianchi Marco').click();
    await expect.poll(() => toggle('Bianchi Marco').getAttribute('data-state')).toBe('unmarked');
    expect(await toggle('Bianchi Marco').innerText()).toContain('Da segnare');
    await toggle('Bianchi Marco').click();
    await expect.poll(() => toggle('Bianchi Marco').getAttribute('aria-pressed')).toBe('true');

    // Per person over the meetings held (one so far): 100% for those ticked.
    await page.goto(`${t.baseUrl}/console/cicli/${cycleId}/iscrizioni`);
    const row = page.locator('#registrations tbody tr', { hasText: 'Rossi Giulia' });
    expect(await row.innerText()).toMatch(/100\s?%/);
    expect(await row.innerText()).toContain('1 su 1');
  });

  it('the roster works without JavaScript too (each toggle is a small form)', async () => {
    const plain = await newContext(browser, { javaScriptEnabled: false, viewport: PHONE });
    try {
      const p = await plain.newPage();
      await signInThroughPage(p, t.baseUrl, w.organiser, `/console/accedi?next=${encodeURIComponent(`/console/incontri/${todayId}`)}`);
      expect(new URL(p.url()).pathname).toBe(`/console/incontri/${todayId}`);
      const toggle = p.locator('#roster li', { hasText: 'Verdi Sara' }).locator('button');
      await Promise.all([p.waitForNavigation(), toggle.click()]);
      expect(new URL(p.url()).hash).toBe(`#p-${people[2]!.id}`);
      expect(await p.locator('#roster li', { hasText: 'Verdi Sara' }).locator('button').getAttribute('aria-pressed')).toBe('true');
      expect(await p.locator('#attendance-counts').innerText()).toContain('Presenti: 3 su 3');
      // Back to absent, for the steps below.
      await Promise.all([p.waitForNavigation(), p.locator('#roster li', { hasText: 'Verdi Sara' }).locator('button').click()]);
      expect(await p.locator('#attendance-counts').innerText()).toContain('Presenti: 2 su 3');
    } finally {
      await plain.close();
    }
  });

  it('checks in by QR (the text field the camera fills) and shows the name', async () => {
    await page.goto(`${t.baseUrl}/console/incontri/${todayId}`);
    const qr = t.app.services.attendance.qrPayload(people[2]!.id, 1);
    await page.fill('#qr', qr);
    await page.click('#qr-submit');
    await expect.poll(() => page.locator('#qr-result').innerText()).toContain('Sara Verdi');
    expect(await page.locator('#qr-result').innerText()).toContain('presenza registrata');
    await expect.poll(() => page.locator('#attendance-counts').innerText()).toContain('Presenti: 3 su 3');
    // A made-up code is refused in words.
    await page.fill('#qr', 'not-a-real-code');
    await page.click('#qr-submit');
    await expect.poll(() => page.locator('#qr-result').innerText()).toContain('non riconosciuto');
    // Back to absent for the self check-in below.
    await t.database.db.deleteFrom('attendance').where('registration_id', '=', people[2]!.id).execute();
  });

  it('a participant checks in on their own phone with the code shown in the room', async () => {
    await page.goto(`${t.baseUrl}/console/incontri/${todayId}`);
    const code = (await page.locator('#check-in-code').innerText()).replace(/\s/g, '');
    expect(code).toMatch(/^\d{6}$/);
    expect(await page.locator('.code-box').innerText()).toContain('Attivo ora');

    const phone = await newContext(browser, { viewport: PHONE });
    try {
      const p = await phone.newPage();
      await p.goto(`${t.baseUrl}/iscrizione/${people[2]!.token}`);
      // Their QR for the door, from our own origin.
      const qrImage = p.locator('#registration-qr');
      expect(await qrImage.getAttribute('src')).toBe(`/api/registrations/${people[2]!.token}/qr`);
      await expect.poll(() => qrImage.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
      await Promise.all([p.waitForURL(/\/presenza\//), p.click(`#checkin-${todayId}`)]);
      expect(await p.locator('h1').innerText()).toBe('Registra la presenza');
      await p.fill('#code', '000000' === code ? '111111' : '000000');
      await p.click('#checkin-submit');
      await expect.poll(() => p.locator('#code-error').innerText()).toContain('Codice non valido');
      await p.fill('#code', `${code.slice(0, 3)} ${code.slice(3)}`);
      await p.click('#checkin-submit');
      await expect.poll(() => p.locator('#checkin-done').innerText()).toContain('Presenza registrata');
    } finally {
      await phone.close();
    }
    await page.reload();
    const sara = page.locator('#roster li', { hasText: 'Verdi Sara' });
    expect(await sara.locator('button').getAttribute('aria-pressed')).toBe('true');
    expect(await sara.innerText()).toContain('con codice');
  });

  it('exports the sheet as CSV with a BOM, semicolons for Italian Excel, one column per meeting', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${t.baseUrl}/console/cicli/${cycleId}/iscrizioni`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-semicolon')]);
    const bytes = fs.readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').trim().split(/\r?\n/);
    const header = lines[0]!.split(';');
    expect(header.length).toBeGreaterThan(6);
    expect(header.some((h) => h.includes('Primo incontro'))).toBe(true);
    expect(header.some((h) => h.includes('Secondo incontro'))).toBe(true);
    expect(lines).toHaveLength(4);
    expect(lines.find((l) => l.includes('Rossi'))).toContain('Giulia');

    // The comma version is a plain link too.
    const [comma] = await Promise.all([page.waitForEvent('download'), page.click('#export-comma')]);
    const text = fs.readFileSync((await comma.path())!).toString('utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text.split(/\r?\n/)[0]!.split(',').length).toBe(header.length);
  });

  it('signs out: the session is dead and the console asks to sign in again', async () => {
    await page.goto(`${t.baseUrl}/console`);
    const cookie = (await context.cookies()).find((c) => c.name === 'officina_session')!;
    expect(cookie.httpOnly).toBe(true);
    const me = () => t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: `officina_session=${cookie.value}` } });
    expect((await me()).statusCode).toBe(200);
    await Promise.all([page.waitForURL(/\/console\/accedi\?uscito=1$/), page.click('button.signout')]);
    expect(await page.locator('main').innerText()).toContain('Hai chiuso l’accesso alla console');
    expect((await context.cookies()).some((c) => c.name === 'officina_session')).toBe(false);
    // Ended server-side: the old cookie is worth nothing.
    expect((await me()).statusCode).toBe(401);
    await page.goto(`${t.baseUrl}/console`);
    expect(new URL(page.url()).pathname).toBe('/console/accedi');
  });
});
