// Running a published cycle in a real browser: move and cancel a meeting (everyone is told, calendars
// follow), raise the capacity (the waiting list moves up), add a walk-in, cancel a registration, write
// to everyone (the recipients' boxes survive hydration), upload materials (with and without JavaScript),
// and the statistics.
import { sql } from 'kysely';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../helpers/auth.ts';
import { holdPageScripts, launchBrowser, newContext, startWebApp, type WebApp } from '../helpers/browser.ts';
import { createCycle } from '../helpers/factories.ts';
import { seedConsole, signInThroughPage, signUp, type ConsoleWorld } from './console.fixture.ts';

let t: WebApp;
let w: ConsoleWorld;
let browser: Browser;
let context: BrowserContext;
let page: Page;

// The smallest PDF the type check recognises (it reads the content, not the name).
const PDF = '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n';

let cycleId = '';
let slug = '';
let todayId = '';
let laterId = '';
const people: { id: string; token: string; calendarUrl: string }[] = [];

beforeAll(async () => {
  t = await startWebApp();
  w = await seedConsole(t);
  // Three seats, three people; the first meeting started an hour ago and all three came.
  const { cycle, sessions } = await createCycle(t.database.db, {
    slug: 'mediazione-nei-servizi',
    title: 'Mediazione interculturale nei servizi',
    themeSlug: w.themeSlug,
    capacity: 3,
    sessionDays: [-1 / 24, 7],
    registrationClosesAt: new Date(Date.now() + 6 * 86_400_000),
  });
  [cycleId, slug, todayId, laterId] = [cycle.id, cycle.slug, sessions[0]!.id, sessions[1]!.id];
  await t.database.db.insertInto('cycle_organisers').values({ cycle_id: cycleId, account_id: w.organiser.id }).execute();
  const s = await signIn(t.app, w.organiser);
  for (const [firstName, lastName, network] of [
    ['Giulia', 'Rossi', 'Ambito di Dalmine'],
    ['Marco', 'Bianchi', 'Ambito di Bergamo'],
    ['Sara', 'Verdi', null],
  ] as const) {
    const { registration, token } = await signUp(t, slug, { firstName, lastName, network });
    people.push({ id: registration.id, token, calendarUrl: registration.calendarUrl });
    const res = await t.app.inject({
      method: 'PUT',
      url: `/api/admin/sessions/${todayId}/attendance/${registration.id}`,
      headers: s.headers,
      payload: { present: true },
    });
    expect(res.statusCode, res.body).toBe(200);
  }
  browser = await launchBrowser();
  context = await newContext(browser);
  page = await context.newPage();
  await signInThroughPage(page, t.baseUrl, w.organiser);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await t?.close();
});

describe('running a cycle from the console', () => {
  it('moves a meeting after a confirmation that says who is told: mails are queued for everyone', async () => {
    await page.goto(`${t.baseUrl}/console/cicli/${cycleId}`);
    await Promise.all([page.waitForURL(/\/modifica$/), page.locator(`#session-${laterId} a`, { hasText: 'Sposta o annulla' }).click()]);
    expect(await page.locator('main').innerText()).toContain('3 persone iscritte riceveranno un’email');
    await page.fill('#m-start', '15:00');
    await page.fill('#m-end', '18:00');
    await page.click('#move-submit');
    await page.locator('#move-confirm').waitFor();
    expect(await page.locator('#move-confirm').innerText()).toContain('i loro calendari si aggiorneranno');
    await Promise.all([page.waitForURL(/\?spostato=1/), page.click('#move-confirm-button')]);
    expect(await page.locator('#session-change-done').innerText()).toContain('riceveranno un’email');
    expect(await page.locator(`#session-${laterId}`).innerText()).toContain('15:00–18:00');

    const jobs = await sql<{ key: string }>`SELECT key FROM graphile_worker.jobs WHERE key LIKE ${`mail:session-changed:${laterId}:%`}`.execute(t.database.db);
    expect(jobs.rows).toHaveLength(3);
  });

  it('cancels a meeting in two steps (everyone is told) and reinstates it', async () => {
    await page.goto(`${t.baseUrl}/console/incontri/${laterId}/modifica`);
    await page.click('#session-cancel');
    await page.locator('#session-cancel-confirm').waitFor();
    expect(await page.locator('main').innerText()).toContain('3 persone (iscritte o in lista d’attesa) riceveranno un’email');
    await Promise.all([page.waitForURL(/\?annullato=1/), page.click('#session-cancel-confirm-button')]);
    expect(await page.locator(`#session-${laterId}`).innerText()).toContain('Annullato');
    const jobs = await sql<{ key: string }>`SELECT key FROM graphile_worker.jobs WHERE key LIKE ${`mail:session-cancelled:${laterId}:%`}`.execute(
      t.database.db,
    );
    expect(jobs.rows).toHaveLength(3);
    const feed = await t.app.inject({ method: 'GET', url: new URL(people[0]!.calendarUrl).pathname });
    expect(feed.body).toContain('STATUS:CANCELLED');

    await page.locator(`#session-${laterId} a`, { hasText: 'Ripristina' }).click();
    await page.click('#restore');
    await page.click('#restore-confirm-button');
    await expect
      .poll(async () => (await t.database.db.selectFrom('sessions').select('status').where('id', '=', laterId).executeTakeFirstOrThrow()).status)
      .toBe('scheduled');
  });

  it('raises the capacity and says first how many on the waiting list will be confirmed', async () => {
    const waiting = await signUp(t, slug, { firstName: 'Luca', lastName: 'Neri' });
    expect(waiting.registration.status).toBe('waitlisted');
    await page.goto(`${t.baseUrl}/console/cicli/${cycleId}`);
    expect(await page.locator('#capacity-now').innerText()).toContain('1 persona in attesa');
    await page.fill('#cap-capacity', '5');
    await page.click('#capacity-submit');
    await page.locator('#capacity-confirm').waitFor();
    const confirm = await page.locator('#capacity-confirm').innerText();
    expect(confirm).toContain('Portare i posti da 3 a 5?');
    expect(confirm).toContain('La prima persona in lista d’attesa sarà confermata');
    const waitlisted = () =>
      t.database.db.selectFrom('registrations').select('id').where('cycle_id', '=', cycleId).where('status', '=', 'waitlisted').execute();
    const before = (await waitlisted()).length;
    await page.click('#capacity-confirm-button');
    await expect.poll(() => page.locator('#capacity-done').innerText()).toContain('1 persona è passata dalla lista d’attesa');
    const row = await t.database.db.selectFrom('registrations').select('status').where('id', '=', waiting.registration.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('confirmed');
    // The number announced before is the number the server then promoted.
    expect(before - (await waitlisted()).length).toBe(1);
  });

  it('adds a walk-in, cancels a registration in two steps, and writes to everyone', async () => {
    await page.goto(`${t.baseUrl}/console/cicli/${cycleId}/iscrizioni`);
    await page.fill('#w-firstName', 'Paola');
    await page.fill('#w-lastName', 'Gialli');
    await page.fill('#w-email', 'paola.gialli@comune.example.it');
    await page.fill('#w-organisation', 'Comune di Lecco');
    await page.check('#w-consent');
    await page.click('#walkin-submit');
    await expect.poll(() => page.locator('#walkin-done').innerText()).toContain('Paola Gialli');
    await expect.poll(() => page.locator('#registrations tbody tr', { hasText: 'Gialli Paola' }).count()).toBe(1);

    const row = page.locator('#registrations tbody tr', { hasText: 'Gialli Paola' });
    await row.locator('button', { hasText: 'Annulla' }).click();
    await page.locator('#cancel-confirm').waitFor();
    expect(await page.locator('#cancel-confirm').innerText()).toContain('Annullare l’iscrizione di Paola Gialli?');
    await page.click('#cancel-confirm-button');
    await expect.poll(() => page.locator('#cancel-done').innerText()).toContain('Paola Gialli');

    await page.goto(`${t.baseUrl}/console/cicli/${cycleId}/messaggi`);
    await page.fill('#subject', 'Materiali del primo incontro');
    await page.fill('#body', 'Buongiorno,\n\ntrovate le slide nella vostra pagina.');
    await page.click('#message-submit');
    await page.locator('#message-confirm').waitFor();
    expect(await page.locator('#message-confirm').innerText()).toContain('Il messaggio arriverà a 4 persone');
    await page.click('#message-confirm-button');
    await expect.poll(() => page.locator('#message-sent').innerText()).toContain('Messaggio in invio a 4 persone');
  });

  it('messages: recipients ticked before the page’s script arrives stay ticked once it hydrates', async () => {
    const scripts = await holdPageScripts(page);
    await page.goto(`${t.baseUrl}/console/cicli/${cycleId}/messaggi`, { waitUntil: 'domcontentloaded' });
    // The server-rendered defaults: confirmed people only.
    expect(await page.isChecked('#statuses-confirmed')).toBe(true);
    await page.uncheck('#statuses-confirmed');
    await page.check('#statuses-cancelled');
    await scripts.release();
    expect(await page.isChecked('#statuses-confirmed')).toBe(false);
    expect(await page.isChecked('#statuses-cancelled')).toBe(true);
    await page.fill('#subject', 'Per chi ha annullato');
    await page.fill('#body', 'Buongiorno,\n\nil ciclo ha ancora posti.');
    await page.click('#message-submit');
    await page.locator('#message-confirm').waitFor();
    // Only Paola cancelled.
    expect(await page.locator('#message-confirm').innerText()).toContain('Il messaggio arriverà a 1 persona');
  });

  it('materials: a PDF goes from the browser to the API, a link through the form, removal takes two steps', async () => {
    await page.goto(`${t.baseUrl}/console/cicli/${cycleId}/materiali`);
    await page.setInputFiles('#mat-file', { name: 'slide-incontro-1.pdf', mimeType: 'application/pdf', buffer: Buffer.from(PDF) });
    await page.selectOption('#mat-sessionId', todayId);
    await page.check('#mat-vis-attended');
    await page.click('#material-submit');
    await expect.poll(() => page.locator('#material-added').innerText()).toContain('slide-incontro-1');
    await expect.poll(() => page.locator('#materials tbody tr').count()).toBe(1);
    expect(await page.locator('#materials tbody tr').innerText()).toContain('Chi era presente');

    await page.check('#mat-kind-link');
    await page.fill('#mat-url', 'https://video.example.org/incontro-1');
    await page.fill('#mat-title', 'Registrazione del primo incontro');
    await page.selectOption('#mat-sessionId', '');
    await page.check('#mat-vis-registered');
    await page.click('#material-submit');
    await expect.poll(() => page.locator('#materials tbody tr').count()).toBe(2);

    const rows = await t.database.db.selectFrom('materials').select(['title', 'visibility', 'session_id']).orderBy('created_at').execute();
    expect(rows.map((r) => [r.visibility, r.session_id])).toEqual([
      ['attended', todayId],
      ['registered', null],
    ]);

    await page.locator('#materials tbody tr', { hasText: 'Registrazione' }).locator('button').click();
    await page.locator('#remove-confirm').waitFor();
    await page.click('#remove-confirm-button');
    await expect.poll(() => page.locator('#materials tbody tr').count()).toBe(1);
  });

  it('materials: after an upload the form is clean, keeps the meeting and visibility, says when the mail goes; a second upload works', async () => {
    await page.goto(`${t.baseUrl}/console/cicli/${cycleId}/materiali`);
    // A first try without a file: the form's own "choose a file" error, from the page's action.
    await page.selectOption('#mat-sessionId', todayId);
    await page.check('#mat-vis-public');
    await page.click('#material-submit');
    await page.locator('#mat-file-error').waitFor();

    await page.setInputFiles('#mat-file', { name: 'dispensa-incontro-1.pdf', mimeType: 'application/pdf', buffer: Buffer.from(PDF) });
    await page.fill('#mat-title', 'Dispensa del primo incontro');
    await page.click('#material-submit');
    await expect.poll(() => page.locator('#material-added').innerText()).toContain('Dispensa del primo incontro');
    expect(await page.locator('#mat-file-error').count()).toBe(0);
    expect(await page.locator('#material-errors').count()).toBe(0);
    expect(await page.locator('#mat-sessionId').inputValue()).toBe(todayId);
    expect(await page.locator('#mat-vis-public').isChecked()).toBe(true);
    expect(await page.locator('#mat-kind-file').isChecked()).toBe(true);
    expect(await page.locator('#mat-title').inputValue()).toBe('');
    expect(await page.locator('#mat-file').evaluate((el) => (el as HTMLInputElement).files?.length ?? 0)).toBe(0);
    // When the announcement goes is the queue's own time for these people's mail, as the server said it.
    const job = await sql<{ run_at: Date }>`SELECT run_at FROM graphile_worker.jobs WHERE key LIKE ${`mail:materials-available:${todayId}:%`} LIMIT 1`.execute(
      t.database.db,
    );
    const at = new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(job.rows[0]!.run_at);
    // A public material goes to every confirmed registration (the walk-in was cancelled).
    const confirmed = await t.database.db
      .selectFrom('registrations')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('cycle_id', '=', cycleId)
      .where('status', '=', 'confirmed')
      .executeTakeFirstOrThrow();
    expect(await page.locator('#material-mail').innerText()).toContain(`${confirmed.n} persone riceveranno un’email alle ${at}`);

    await page.screenshot({ path: 'test-output/screenshots/console-material-added.png', fullPage: true });
    await page.setInputFiles('#mat-file', { name: 'esercizi.pdf', mimeType: 'application/pdf', buffer: Buffer.from(PDF) });
    await page.click('#material-submit');
    await expect.poll(() => page.locator('#material-added').innerText()).toContain('esercizi');
    expect(await page.locator('#mat-sessionId').inputValue()).toBe(todayId);
    const rows = await t.database.db
      .selectFrom('materials')
      .select(['title', 'visibility', 'session_id'])
      .where('title', 'in', ['Dispensa del primo incontro', 'esercizi'])
      .orderBy('created_at')
      .execute();
    expect(rows).toEqual([
      { title: 'Dispensa del primo incontro', visibility: 'public', session_id: todayId },
      { title: 'esercizi', visibility: 'public', session_id: todayId },
    ]);
    await t.database.db.deleteFrom('materials').where('title', 'in', ['Dispensa del primo incontro', 'esercizi']).execute();
  });

  it('statistics: charts in SVG with a text alternative and a data table each', async () => {
    await page.goto(`${t.baseUrl}/console/cicli/${cycleId}/statistiche`);
    const charts = page.locator('svg[role=img]');
    expect(await charts.count()).toBe(4);
    for (const id of ['chart-signups', 'chart-sessions', 'chart-network', 'chart-organisation']) {
      expect(await page.locator(`#${id}-title`).count()).toBe(1);
      expect((await page.locator(`#${id}-desc`).textContent())!.length).toBeGreaterThan(5);
    }
    expect(await page.locator('#chart-sessions-desc').textContent()).toContain('presenti: 3 su 4');
    expect(await page.locator('#sessions-table tbody tr').first().innerText()).toContain('Incontro 1');
    expect(await page.locator('#total-registrations').innerText()).toBe('5');
  });

  it('without JavaScript a (small) file goes through the page’s form action, as multipart', async () => {
    const plain = await newContext(browser, { javaScriptEnabled: false });
    try {
      const p = await plain.newPage();
      await signInThroughPage(p, t.baseUrl, w.organiser, `/console/accedi?next=${encodeURIComponent(`/console/cicli/${cycleId}/materiali`)}`);
      await p.setInputFiles('#mat-file', { name: 'programma.pdf', mimeType: 'application/pdf', buffer: Buffer.from(PDF) });
      await p.fill('#mat-title', 'Programma del ciclo');
      await p.check('#mat-vis-public');
      await Promise.all([p.waitForNavigation(), p.click('#material-submit')]);
      expect(await p.locator('#material-added').innerText()).toContain('Programma del ciclo');
      // The page's action answers as the upload from the browser does: when the mail goes, choices kept.
      expect(await p.locator('#material-mail').innerText()).toMatch(/^\d+ persone riceveranno un’email alle \d\d:\d\d .*«Tutto il ciclo»/);
      expect(await p.locator('#mat-vis-public').isChecked()).toBe(true);
      const row = await t.database.db
        .selectFrom('materials')
        .select(['id', 'visibility', 'size_bytes'])
        .where('title', '=', 'Programma del ciclo')
        .executeTakeFirstOrThrow();
      expect(row.visibility).toBe('public');
      expect(Number(row.size_bytes)).toBe(PDF.length);
      await t.database.db.deleteFrom('materials').where('id', '=', row.id).execute();
    } finally {
      await plain.close();
    }
  });
});
