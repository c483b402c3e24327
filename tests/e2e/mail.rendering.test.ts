// The mails as people open them, composed from real state by the worker's own composer against the
// running web app: every link of an English mail to one of our pages opens that page in English, on any
// device (no cookie, no redirect), and every mail, in both languages, fits a 600 px column and a
// phone (390 px) without sideways scrolling, its buttons on screen, with no axe-core violation.
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locale } from '../../db/schema.ts';
import type { TemplateName } from '../../emails/index.ts';
import { tokenKit } from '../../server/lib/tokens.ts';
import { mailComposer, type Draft } from '../../server/modules/mail/mail.compose.ts';
import type { MailPayload } from '../../server/modules/mail/mail.jobs.ts';
import type { RegisterInput } from '../../server/modules/registrations/registrations.schemas.ts';
import { expectNoViolations, launchBrowser, newContext, startWebApp, type WebApp } from '../helpers/browser.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';
import { tokenOf } from '../integration/mail.support.ts';
import { endedCycleWithMaterials, issueCertificate } from './materials.fixture.ts';

const SHOTS = '/tmp/shots';
/** Addresses under PUBLIC_URL that are no page, and so the same in every language: the API (downloads) and the calendar feeds. */
const NOT_PAGES = ['/api/', '/ical/'];

let t: WebApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const drafts: { template: TemplateName; locale: Locale; draft: Draft }[] = [];

async function composeAll(locale: Locale) {
  const composer = mailComposer({
    db: t.database.db,
    publicUrl: t.baseUrl,
    timezone: 'Europe/Rome',
    mailFrom: t.config.mailFrom,
    programmeContact: { name: 'Segreteria Lab’Impact', email: 'labimpact@anci.example.it', phone: '+39 02 1234567' },
    tokens: tokenKit(Buffer.from(t.config.secretKey!, 'utf8')),
  });
  const compose = async (template: TemplateName, p: MailPayload) => {
    const c = await composer.compose(p, new Date());
    if (!c.send) throw new Error(`${p.kind} (${locale}) was skipped: ${c.reason}`);
    drafts.push({ template, locale, draft: c.draft });
  };
  const db = t.database.db;
  // A long title and a hybrid cycle with an online link: the widest content a mail carries.
  const title = `Co-progettazione e co-programmazione con il Terzo settore: strumenti per gli enti locali (${locale})`;
  const { cycle, sessions } = await createCycle(db, { capacity: 1, title, format: 'hybrid', sessionDays: [7, 14, 21] });
  const [s1, s2, s3] = sessions as [(typeof sessions)[0], (typeof sessions)[0], (typeof sessions)[0]];
  await sql`UPDATE sessions SET online_url = ${'https://meet.example.org/co-progettazione-terzo-settore-enti-locali'} WHERE id = ${s1.id}`.execute(db);
  const register = async (email: string) =>
    (await t.app.services.registrations.register(cycle.slug, registrationBody({ email, firstName: 'Giulia', locale }) as RegisterInput, locale, '127.0.0.1'))
      .registration;
  const a = await register(`a.${locale}@comune.example.it`);
  const b = await register(`b.${locale}@comune.example.it`);
  await compose('registration-confirmed', { kind: 'registration-confirmed', registrationId: a.id });
  await compose('registration-waitlisted', { kind: 'registration-waitlisted', registrationId: b.id });
  await compose('session-reminder', {
    kind: 'session-reminder',
    registrationId: a.id,
    sessionId: s1.id,
    offsetMs: 2 * 86_400_000,
    startsAtMs: new Date(s1.starts_at).getTime(),
  });
  const bulk = await t.app.services.mail.sendToCycle(cycle.id, { subject: 'Aula', body: 'Ci vediamo in aula 3.' });
  await compose('organiser-message', { kind: 'organiser-message', registrationId: a.id, messageId: bulk.messageId });
  await t.app.services.registrations.cancel(tokenOf(a.manageUrl!), '127.0.0.1');
  await compose('registration-cancelled', { kind: 'registration-cancelled', registrationId: a.id });
  await compose('registration-promoted', { kind: 'registration-promoted', registrationId: b.id });
  const start2 = new Date(s2.starts_at).getTime() + 86_400_000;
  const moved = await t.app.services.sessions.changeSession(s2.id, {
    startsAt: new Date(start2),
    endsAt: new Date(start2 + 3 * 3_600_000),
    location: 'Bergamo, Sala consiliare del Comune, piazza Matteotti 27',
  });
  await compose('session-changed', { kind: 'session-changed', registrationId: b.id, sessionId: s2.id, sequence: moved.sequence });
  const cancelled = await t.app.services.sessions.changeSession(s3.id, { status: 'cancelled' });
  await compose('session-cancelled', { kind: 'session-cancelled', registrationId: b.id, sessionId: s3.id, sequence: cancelled.sequence });
  const participant = await db.selectFrom('registrations').select('participant_id').where('id', '=', b.id).executeTakeFirstOrThrow();
  await compose('manage-links', { kind: 'manage-links', participantId: participant.participant_id, requestId: `r-${locale}` });
  await t.app.services.privacy.requestPersonLink(`b.${locale}@comune.example.it`, '192.0.2.1');
  const request = await db.selectFrom('personal_data_requests').select('id').where('participant_id', '=', participant.participant_id).executeTakeFirstOrThrow();
  await compose('personal-data-link', { kind: 'personal-data-link', requestId: request.id });

  // An ended cycle: the materials of a meeting and the certificate of someone who attended every one.
  const ended = await endedCycleWithMaterials(t, { title: `L’accoglienza diffusa nei piccoli comuni (${locale})` });
  await db.updateTable('registrations').set({ locale }).where('id', '=', ended.anna.id).execute();
  await issueCertificate(t, ended.anna.token);
  await compose('materials-available', {
    kind: 'materials-available',
    registrationId: ended.anna.id,
    cycleId: ended.cycle.id,
    sessionId: ended.sessions[0]!.id,
    materialId: ended.materialIds.slides,
  });
  await compose('certificate-issued', { kind: 'certificate-issued', registrationId: ended.anna.id });
}

beforeAll(async () => {
  t = await startWebApp();
  await composeAll('it');
  await composeAll('en');
  browser = await launchBrowser();
  context = await newContext(browser);
  page = await context.newPage();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await t?.close();
});

const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
const textLinks = (text: string) => [...text.matchAll(/\bhttps?:\/\/[^\s)»”]+/g)].map((m) => m[0]);

describe('links in an English mail', () => {
  it('every link to one of our pages is its English address, and opens the English page with no cookie and no redirect', async () => {
    const english = drafts.filter((d) => d.locale === 'en');
    expect(new Set(english.map((d) => d.template)).size).toBe(12);
    const pages = new Map<string, string>();
    for (const { template, draft } of english) {
      const links = [...hrefs(draft.rendered.html), ...textLinks(draft.rendered.text)];
      for (const link of links.filter((l) => l === t.baseUrl || l.startsWith(`${t.baseUrl}/`))) {
        const path = link.slice(t.baseUrl.length);
        if (NOT_PAGES.some((prefix) => path.startsWith(prefix))) continue;
        expect(path === '/en' || path.startsWith('/en/'), `${template}: ${link}`).toBe(true);
        pages.set(link, template);
      }
    }
    // The kinds of page the mails lead to: my registration, the cycle, the check-in QR, the data page,
    // the certificate's verification, the catalogue and the privacy notice.
    const kinds = new Set([...pages.keys()].map((l) => l.slice(t.baseUrl.length).split('/').slice(0, 3).join('/')));
    expect([...kinds].sort()).toEqual(['/en', '/en/cicli', '/en/dati', '/en/iscrizione', '/en/privacy', '/en/qr', '/en/verifica'].sort());
    for (const [link, template] of pages) {
      // A plain request, as a phone's mail app opens it: no language cookie.
      const res = await fetch(link, { redirect: 'manual', headers: { accept: 'text/html' } });
      expect(res.status, `${template}: ${link}`).toBe(200);
      expect(await res.text(), `${template}: ${link}`).toMatch(/<html[^>]* lang="en"/);
    }
  });
});

describe('every mail in a 600 px column and on a phone', () => {
  /** The HTML as a mail client shows it: the check-in QR, attached by Content-ID, shown from the attachment itself. */
  const viewable = (draft: Draft) =>
    draft.images.reduce((html, img) => html.replaceAll(`cid:${img.cid}`, `data:image/png;base64,${img.content.toString('base64')}`), draft.rendered.html);

  it.each([
    [600, 900],
    [390, 844],
  ])('at %i px: no sideways scrolling, every button on screen, no axe-core violation', async (width, height) => {
    await page.setViewportSize({ width, height });
    for (const { template, locale, draft } of drafts) {
      const what = `${template} (${locale}) at ${width}px`;
      await page.setContent(viewable(draft), { waitUntil: 'load' });
      const size = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
      expect(size.scroll, what).toBeLessThanOrEqual(size.inner);
      const buttons = page.locator('td[bgcolor] > a');
      if (template === 'registration-confirmed') expect(await buttons.count(), what).toBe(4);
      for (const button of await buttons.all()) {
        expect(await button.isVisible(), what).toBe(true);
        const box = (await button.boundingBox())!;
        expect(box.x, what).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width, what).toBeLessThanOrEqual(width);
        // Big enough to tap (WCAG 2.5.8: 24 px; these are 40).
        expect(box.height, what).toBeGreaterThanOrEqual(40);
      }
      for (const img of await page.locator('img').all()) {
        expect(await img.getAttribute('alt'), what).toBeTruthy();
        expect(await img.evaluate((el) => (el as HTMLImageElement).naturalWidth), what).toBeGreaterThan(0);
      }
      await expectNoViolations(page, what, { widths: null });
      if (template === 'registration-confirmed' && locale === 'it') {
        fs.mkdirSync(SHOTS, { recursive: true });
        await page.screenshot({ path: `${SHOTS}/mail-confirmation-${width}.png`, fullPage: true });
      }
    }
  });
});
