// The first day of a production install (issue #13), as the council's IT office and its first organiser
// would live it: the real server process with NODE_ENV=production on a fresh DATA_DIR (no demo data), the
// first administrator made with `npm run admin`, a real SMTP server. The administrator signs in and creates
// the first theme through the console page, then a cycle with two meetings and publishes it through the API
// (with the CSRF header, as docs/http-api.md says); a participant finds it in the catalogue and signs up
// through the pages, and the confirmation email arrives.
// On main before the themes API this day ended at the first cycle: 400 unknown_theme.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillSignup, launchBrowser, newContext } from '../helpers/browser.ts';
import { expectErrorShape } from '../helpers/http.ts';
import { freePort, killLeftovers, runAdminCliWith, startServer, type ServerProcess } from '../helpers/server-process.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.ts';
import { meetingInDays, signInThroughPage } from './console.fixture.ts';

const ADMIN = { email: 'ufficio.formazione@comune.example.it', password: '', role: 'administrator' as const, id: '' };
const PARTICIPANT = { firstName: 'Giulia', lastName: 'Rossi', email: 'giulia.rossi@comune.example.it', organisation: 'Comune di Bergamo' };

let dataDir = '';
let server: ServerProcess;
let smtp: SmtpSink;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'officina-first-day-'));
  smtp = await startSmtpSink();
  // Chromium starts while the database is being created (closed by afterAll even if a step below fails).
  const launching = launchBrowser().then((b) => (browser = b));
  launching.catch(() => {});
  // README: "the first administrator: ADMIN_PASSWORD or the admin CLI". The CLI, before the first start.
  const cli = await runAdminCliWith({ NODE_ENV: 'production', DATA_DIR: dataDir }, [
    'create',
    '--email',
    ADMIN.email,
    '--name',
    'Ufficio Formazione',
    '--role',
    'administrator',
  ]);
  expect(cli.code, cli.stderr).toBe(0);
  ADMIN.password = /password: (\S+)/.exec(cli.stdout)?.[1] ?? '';
  expect(ADMIN.password).not.toBe('');

  const port = await freePort();
  server = await startServer({
    NODE_ENV: 'production',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATA_DIR: dataDir,
    SMTP_URL: smtp.url,
    MAIL_FROM: 'Officina <officina@comune.example.it>',
    LOG_LEVEL: 'warn',
  });
  await launching;
  context = await newContext(browser);
  page = await context.newPage();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.stop();
  await smtp?.close();
  await killLeftovers(dataDir);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const api = (p: string, init: RequestInit = {}) => fetch(`${server.base}${p}`, init);

describe('a fresh production install', () => {
  it('has no demo data, no development mailbox and no HSTS over http; the catalogue says no cycle is planned yet', async () => {
    expect((await (await api('/api/cycles?when=all')).json()).items).toEqual([]);
    expect((await (await api('/api/themes')).json()).items).toEqual([]);
    expect((await api('/dev/mail')).status).toBe(404);
    const feed = await api('/ical/catalogue.ics');
    expect(feed.status).toBe(200);
    expect(await feed.text()).not.toContain('BEGIN:VEVENT');
    const home = await page.goto(`${server.base}/`);
    expect(home?.status()).toBe(200);
    expect(home?.headers()['strict-transport-security']).toBeUndefined();
    expect(await page.locator('#results-heading').innerText()).toBe('0 cicli in programma');
    expect(await page.locator('main .notice').innerText()).toContain('Al momento non ci sono cicli in programma');
  });

  it('the administrator made with the CLI signs in (a __Host- cookie); the new-cycle page says a theme comes first', async () => {
    await signInThroughPage(page, server.base, ADMIN, '/console/accedi?next=/console/cicli/nuovo');
    const cookies = await context.cookies();
    expect(cookies.map((c) => c.name)).toContain('__Host-officina_session');
    expect(cookies.find((c) => c.name === '__Host-officina_session')).toMatchObject({ secure: true, httpOnly: true, path: '/' });

    expect(new URL(page.url()).pathname).toBe('/console/cicli/nuovo');
    expect(await page.locator('#no-themes').innerText()).toContain('Non ci sono ancora temi e ogni ciclo deve averne uno');
    expect(await page.locator('form #title').count()).toBe(0);
    await Promise.all([page.waitForURL(/\/console\/temi$/), page.click('#no-themes a')]);
    expect(await page.locator('h1').innerText()).toBe('Temi');
    expect(await page.locator('.console-bar nav a[aria-current=page]').innerText()).toBe('Temi');
  });

  it('creates the first theme through the console page (a bad address is said next to its field)', async () => {
    expect(await page.locator('#no-themes').innerText()).toContain('Non ci sono ancora temi');
    await page.fill('#t-nameIt', 'Welfare di comunità');
    await page.fill('#t-nameEn', 'Community welfare');
    await page.fill('#t-slug', 'Welfare di comunità');
    await page.click('#create-theme');
    await expect.poll(() => page.locator('#create-errors').innerText()).toContain('Indirizzo (slug): Usa solo lettere minuscole');
    expect(await page.locator('#t-slug').getAttribute('aria-invalid')).toBe('true');

    await page.fill('#t-slug', 'welfare-comunita');
    await page.click('#create-theme');
    await expect.poll(() => page.locator('#theme-done').innerText()).toBe('Tema «Welfare di comunità» creato.');
    const row = page.locator('#themes tbody tr');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.innerText()).toContain('welfare-comunita');
    expect((await (await api('/api/themes')).json()).items).toEqual([{ slug: 'welfare-comunita', name: 'Welfare di comunità' }]);
  });

  let slug = '';
  it('creates a cycle with two meetings and publishes it (HTTP, with the CSRF header)', async () => {
    const login = await api('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.base },
      body: JSON.stringify({ email: ADMIN.email, password: ADMIN.password }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers
      .getSetCookie()
      .find((c) => c.startsWith('__Host-officina_session='))
      ?.split(';')[0];
    expect(cookie).toBeDefined();
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const send = async (method: string, p: string, body: unknown, csrf = csrfToken) => {
      const res = await api(p, {
        method,
        headers: { 'content-type': 'application/json', origin: server.base, cookie: cookie!, 'x-csrf-token': csrf },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    };

    const cycle = {
      title: 'Welfare di comunità: reti e servizi',
      themeSlug: 'welfare-comunita',
      format: 'in_person',
      location: 'Bergamo, Piazza Matteotti 27',
      capacity: 25,
      summary: 'Due incontri per chi lavora nei servizi sociali dei comuni.',
      // A deadline: publishing needs one (and a meeting).
      registrationClosesAt: new Date(`${meetingInDays(13).date}T18:00:00Z`).toISOString(),
    };
    const forged = await send('POST', '/api/admin/cycles', cycle, 'not-the-token');
    expectErrorShape(forged.status, forged.body, { status: 403, code: 'csrf_invalid' });
    const created = await send('POST', '/api/admin/cycles', cycle);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    slug = created.body.slug;
    expect(created.body.theme).toEqual({ slug: 'welfare-comunita', name: 'Welfare di comunità' });

    for (const [i, days] of [14, 21].entries()) {
      const m = meetingInDays(days);
      const res = await send('POST', `/api/admin/cycles/${created.body.id}/sessions`, {
        title: `Incontro ${i + 1}`,
        startsAt: new Date(`${m.date}T09:30:00Z`).toISOString(),
        endsAt: new Date(`${m.date}T12:30:00Z`).toISOString(),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    const published = await send('PATCH', `/api/admin/cycles/${created.body.id}`, { publication: 'published' });
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect(published.body.publication).toBe('published');
    expect(published.body.sessions).toHaveLength(2);
  });

  it('a participant finds it in the catalogue, signs up through the pages, and the confirmation email arrives', async () => {
    const visitor = await newContext(browser);
    try {
      const p = await visitor.newPage();
      await p.goto(`${server.base}/`);
      expect(await p.locator('#results-heading').innerText()).toBe('1 ciclo in programma');
      expect(await p.locator('#f-theme option').allInnerTexts()).toEqual(['Tutti i temi', 'Welfare di comunità']);
      const card = p.locator('.cards li', { hasText: 'Welfare di comunità: reti e servizi' });
      expect(await card.innerText()).toMatch(/Incontri\s+2/);
      await Promise.all([p.waitForURL(new RegExp(`/cicli/${slug}$`)), card.locator('h3 a').click()]);

      await fillSignup(p, { ...PARTICIPANT, consent: true });
      await Promise.all([p.waitForURL(/\/iscrizione\/[A-Za-z0-9_-]{43}\?nuova=1$/), p.click('button[type=submit]:has-text("Iscriviti")')]);
      expect(await p.locator('#confirmation').innerText()).toContain('Grazie Giulia');
      const manage = new URL(p.url());
      manage.search = '';

      await smtp.waitFor(() => smtp.to(PARTICIPANT.email).length > 0, 'the confirmation email', 30_000);
      const mails = smtp.to(PARTICIPANT.email);
      expect(mails).toHaveLength(1);
      const mail = mails[0]!.parsed!;
      expect(mail.subject).toBe('Iscrizione confermata: Welfare di comunità: reti e servizi');
      expect(mail.from?.text).toContain('officina@comune.example.it');
      // The link in the mail is this server's own address, and opens the registration.
      expect(mail.text).toContain(manage.href);
    } finally {
      await visitor.close();
    }
  });
});
