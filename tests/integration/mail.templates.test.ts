// Every template in both languages, composed from real database state by the worker's own composer,
// sent through the real transport to a real SMTP server and read back with mailparser: subject, both
// parts, absolute links under PUBLIC_URL (the pages in the mail's language), the Outlook-safe frame,
// the calendar buttons, escaping, and the calendar part parsed by ical.js.
import ICAL from 'ical.js';
import { sql } from 'kysely';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locale } from '../../db/schema.ts';
import { renderEmail, TEMPLATE_NAMES, type TemplateName } from '../../emails/index.ts';
import { tokenKit } from '../../server/lib/tokens.ts';
import type { RegisterInput } from '../../server/modules/registrations/registrations.schemas.ts';
import { sessionUid } from '../../server/modules/calendars/calendars.ics.ts';
import { mailComposer, type Draft } from '../../server/modules/mail/mail.compose.ts';
import type { MailPayload } from '../../server/modules/mail/mail.jobs.ts';
import { createMailTransport, messageIdFor, toMessage, type MailTransport } from '../../server/modules/mail/mail.transport.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';
import { decodeQr } from '../helpers/qr.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.ts';
import { tokenOf } from './mail.support.ts';

const PUBLIC_URL = 'http://officina.test';
const ONLINE = 'https://meet.example.org/lab-impact';

const SUBJECTS: Record<TemplateName, Record<Locale, RegExp>> = {
  'registration-confirmed': { it: /^Iscrizione confermata: /, en: /^Registration confirmed: / },
  'registration-waitlisted': { it: /^Sei in lista d’attesa \(posizione 1\): /, en: /^You are on the waiting list \(position 1\): / },
  'registration-promoted': { it: /^Si è liberato un posto: iscrizione confermata per /, en: /^A seat is free: you are in for / },
  'registration-cancelled': { it: /^Iscrizione annullata: /, en: /^Registration cancelled: / },
  'session-reminder': { it: /^Promemoria: .*, \S+ \d+ \S+ alle \d\d:\d\d$/, en: /^Reminder: .*, \S+ \d+ \S+ at \d\d:\d\d$/ },
  'session-changed': { it: /^Incontro spostato: Incontro 2 /, en: /^Meeting moved: Incontro 2 / },
  'session-cancelled': { it: /^Incontro annullato: Incontro 3 /, en: /^Meeting cancelled: Incontro 3 / },
  'materials-available': { it: /^Materiali disponibili: Incontro 1 /, en: /^Materials available: Incontro 1 / },
  'organiser-message': { it: /^Cambio di aula — /, en: /^Room change — / },
  'manage-links': { it: /^I link delle tue iscrizioni$/, en: /^The links to your registrations$/ },
  'certificate-issued': { it: /^Attestato di partecipazione: /, en: /^Certificate of attendance: / },
  'personal-data-link': { it: /^Il link ai tuoi dati personali$/, en: /^The link to your personal data$/ },
};

const CALENDAR: Partial<Record<TemplateName, 'REQUEST' | 'CANCEL'>> = {
  'registration-confirmed': 'REQUEST',
  'registration-promoted': 'REQUEST',
  'session-changed': 'REQUEST',
  'registration-cancelled': 'CANCEL',
  'session-cancelled': 'CANCEL',
};

interface Case {
  template: TemplateName;
  locale: Locale;
  draft: Draft;
  manageUrl: string | null;
  /** UIDs the calendar part must carry. */
  uids: string[];
  cycleTitle: string;
}

/** A page's address in a language: the English pages are the Italian paths under /en. */
const inLocale = (url: string, locale: Locale) => (locale === 'en' ? url.replace(PUBLIC_URL, `${PUBLIC_URL}/en`) : url);
/** The addresses under PUBLIC_URL that are no page, and so are the same in every language: the API (downloads) and the calendar feeds. */
const NOT_PAGES = [`${PUBLIC_URL}/api/`, `${PUBLIC_URL}/ical/`];
const GOOGLE = 'https://calendar.google.com/calendar/r?cid=';
const OUTLOOK = 'https://outlook.live.com/calendar/0/addfromweb?url=';

const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
const textLinks = (text: string) => [...text.matchAll(/\b(?:https?|webcal):\/\/[^\s)»”]+/g)].map((m) => m[0]);

describe('every template, in Italian and English, as it arrives', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let transport: MailTransport;
  const cases: Case[] = [];

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await buildTestApp({ env: { PUBLIC_URL } });
    transport = createMailTransport({ smtpUrl: sink.url, outboxDir: '/nonexistent' });
    const composer = mailComposer({
      db: t.database.db,
      publicUrl: PUBLIC_URL,
      timezone: 'Europe/Rome',
      mailFrom: t.config.mailFrom,
      programmeContact: null,
      tokens: tokenKit(Buffer.from(t.config.secretKey!, 'utf8')),
    });
    const compose = async (p: MailPayload) => {
      const c = await composer.compose(p, new Date());
      if (!c.send) throw new Error(`${p.kind} was skipped: ${c.reason}`);
      return c.draft;
    };

    for (const locale of ['it', 'en'] as const) {
      const title = `Mediazione & "dialogo" <interculturale> ${locale}`;
      const { cycle, sessions } = await createCycle(t.database.db, { capacity: 2, title, format: 'hybrid', sessionDays: [7, 14, 21] });
      const [s1, s2, s3] = sessions as [(typeof sessions)[0], (typeof sessions)[0], (typeof sessions)[0]];
      await sql`UPDATE sessions SET online_url = ${ONLINE} WHERE id = ${s1.id}`.execute(t.database.db);
      const uid = (s: { id: string }) => sessionUid(s.id, PUBLIC_URL);
      const reg = (email: string) =>
        t.app.services.registrations.register(cycle.slug, registrationBody({ email, firstName: 'Giulia', locale }) as RegisterInput, locale, '127.0.0.1');
      const a = (await reg(`a.${locale}@comune.example.it`)).registration;
      const b = (await reg(`b.${locale}@comune.example.it`)).registration;
      const c = (await reg(`c.${locale}@comune.example.it`)).registration;
      // The manage link as the mail must carry it: the page in the person's language.
      const push = (template: TemplateName, draft: Draft, manageUrl: string | null, uids: string[] = []) =>
        cases.push({ template, locale, draft, manageUrl: manageUrl === null ? null : inLocale(manageUrl, locale), uids, cycleTitle: title });

      push('registration-confirmed', await compose({ kind: 'registration-confirmed', registrationId: b.id }), b.manageUrl, [s1, s2, s3].map(uid));
      push('registration-waitlisted', await compose({ kind: 'registration-waitlisted', registrationId: c.id }), c.manageUrl);
      push(
        'session-reminder',
        await compose({
          kind: 'session-reminder',
          registrationId: b.id,
          sessionId: s1.id,
          offsetMs: 2 * 86_400_000,
          startsAtMs: new Date(s1.starts_at).getTime(),
        }),
        b.manageUrl,
      );
      await t.app.services.registrations.cancel(tokenOf(a.manageUrl!), '127.0.0.1');
      push('registration-cancelled', await compose({ kind: 'registration-cancelled', registrationId: a.id }), null, [s1, s2, s3].map(uid));
      push('registration-promoted', await compose({ kind: 'registration-promoted', registrationId: c.id }), c.manageUrl, [s1, s2, s3].map(uid));

      const start2 = new Date(s2.starts_at).getTime() + 86_400_000;
      const moved = await t.app.services.sessions.changeSession(s2.id, {
        startsAt: new Date(start2),
        endsAt: new Date(start2 + 3 * 3_600_000),
        location: 'Bergamo',
      });
      push('session-changed', await compose({ kind: 'session-changed', registrationId: b.id, sessionId: s2.id, sequence: moved.sequence }), b.manageUrl, [
        uid(s2),
      ]);
      const cancelled = await t.app.services.sessions.changeSession(s3.id, { status: 'cancelled' });
      push(
        'session-cancelled',
        await compose({ kind: 'session-cancelled', registrationId: b.id, sessionId: s3.id, sequence: cancelled.sequence }),
        b.manageUrl,
        [uid(s3)],
      );

      const bulk = await t.app.services.mail.sendToCycle(cycle.id, {
        subject: locale === 'it' ? 'Cambio di aula' : 'Room change',
        body: 'Ci vediamo in aula 3 <b>non grassetto</b>.\n\nA presto & grazie.',
      });
      push('organiser-message', await compose({ kind: 'organiser-message', registrationId: b.id, messageId: bulk.messageId }), b.manageUrl);

      const participant = await t.database.db.selectFrom('registrations').select('participant_id').where('id', '=', b.id).executeTakeFirstOrThrow();
      push('manage-links', await compose({ kind: 'manage-links', participantId: participant.participant_id, requestId: 'r1' }), b.manageUrl);
      // The one-time link to all her data, at the page of her language (push adds /en); the "manageUrl" it must carry is that link.
      await t.app.services.privacy.requestPersonLink(`b.${locale}@comune.example.it`, '192.0.2.1');
      const dataRequest = await t.database.db
        .selectFrom('personal_data_requests')
        .select('id')
        .where('participant_id', '=', participant.participant_id)
        .executeTakeFirstOrThrow();
      const dataUrl = `${PUBLIC_URL}/dati/${tokenKit(Buffer.from(t.config.secretKey!, 'utf8')).token('personal-data', dataRequest.id, 0)}`;
      push('personal-data-link', await compose({ kind: 'personal-data-link', requestId: dataRequest.id }), dataUrl);

      // Materials arrive with a later issue; the template is ready for its list of links.
      const site = { publicUrl: PUBLIC_URL, timezone: 'Europe/Rome' };
      const rendered = renderEmail(
        'materials-available',
        {
          site,
          contact: null,
          firstName: 'Giulia',
          cycle: { title, url: inLocale(`${PUBLIC_URL}/cicli/${cycle.slug}`, locale) },
          manageUrl: inLocale(b.manageUrl!, locale),
          session: { title: s1.title, startsAt: new Date(s1.starts_at) },
          materials: [
            { title: 'Slide dell’incontro', url: `${PUBLIC_URL}/api/materials/1/download?token=x` },
            { title: 'E-book <Lab’Impact>', url: `${PUBLIC_URL}/api/materials/2/download?token=x` },
          ],
        },
        locale,
      );
      const base = cases.at(-1)!.draft;
      push(
        'materials-available',
        { ...base, log: { ...base.log, dedupeKey: `materials:${locale}`, template: 'materials-available' }, rendered, calendar: null },
        b.manageUrl,
      );
      // Certificates come with their own issue (and tests); here only the template's shape and links.
      const certificate = renderEmail(
        'certificate-issued',
        {
          site,
          contact: null,
          firstName: 'Giulia',
          cycle: { title, url: inLocale(`${PUBLIC_URL}/cicli/${cycle.slug}`, locale) },
          manageUrl: inLocale(b.manageUrl!, locale),
          certificate: {
            code: 'ABCD-EFGH',
            downloadUrl: `${PUBLIC_URL}/api/registrations/${tokenOf(b.manageUrl!)}/certificate`,
            verifyUrl: inLocale(`${PUBLIC_URL}/verifica/ABCD-EFGH`, locale),
            attendedSessions: 3,
            heldSessions: 4,
            hours: 9,
          },
        },
        locale,
      );
      push(
        'certificate-issued',
        { ...base, log: { ...base.log, dedupeKey: `certificate:${locale}`, template: 'certificate-issued' }, rendered: certificate, calendar: null },
        null,
      );
    }

    for (const c of cases) {
      await transport.send(toMessage(c.draft, { from: t.config.mailFrom, messageId: messageIdFor(c.draft.log.dedupeKey, PUBLIC_URL) }));
    }
  });
  afterAll(async () => {
    await transport?.close();
    await t?.close();
    await sink?.close();
  });

  const received = (c: Case): ParsedMail => {
    const id = messageIdFor(c.draft.log.dedupeKey, PUBLIC_URL);
    const m = sink.messages.find((x) => x.messageId === id);
    if (!m) throw new Error(`${c.template}/${c.locale} did not arrive`);
    return m.parsed!;
  };
  /** The message as it arrived, with the HTML's cid: references as written (mailparser inlines them by default). */
  const asSent = async (c: Case): Promise<ParsedMail> => {
    const id = messageIdFor(c.draft.log.dedupeKey, PUBLIC_URL);
    return simpleParser(sink.messages.find((x) => x.messageId === id)!.raw, { keepCidLinks: true });
  };

  it('covers every template in both languages', () => {
    for (const locale of ['it', 'en'] as const) {
      expect(
        cases
          .filter((c) => c.locale === locale)
          .map((c) => c.template)
          .sort(),
      ).toEqual([...TEMPLATE_NAMES].sort());
    }
  });

  it.each(['it', 'en'] as const)('subjects, both parts, language and escaping (%s)', async (locale) => {
    for (const c of cases.filter((x) => x.locale === locale)) {
      const p = await asSent(c);
      expect(p.subject, c.template).toMatch(SUBJECTS[c.template][locale]);
      expect(p.text?.length, c.template).toBeGreaterThan(200);
      expect(p.html, c.template).toMatch(new RegExp(`<html lang="${locale}"[ >]`));
      expect(p.headers.get('content-language'), c.template).toBe(locale);
      expect(p.headers.get('auto-submitted'), c.template).toBe('auto-generated');
      if (c.template !== 'manage-links' && c.template !== 'personal-data-link') {
        expect(p.subject, c.template).toContain(c.cycleTitle);
        // Titles and organiser text are escaped in HTML and kept as typed in the text part.
        expect(p.html, c.template).not.toContain('<interculturale>');
        expect(p.html, c.template).toContain('&lt;interculturale&gt;');
      }
      // Images only from inside the message (cid:), never fetched from a server.
      expect(p.html, c.template).not.toMatch(/<img(?![^>]*\ssrc="cid:)|<script|@import|url\(/i);
      // The frame Outlook for Windows draws: layout tables only (no table a screen reader would read
      // as data), and the fixed 600 px column it needs in place of max-width.
      const tables = [...(p.html as string).matchAll(/<table\b[^>]*>/g)].map((m) => m[0]);
      expect(tables.length, c.template).toBeGreaterThan(2);
      for (const table of tables) expect(table, c.template).toContain('role="presentation"');
      expect(p.html, c.template).toContain('<!--[if mso]><table role="presentation" cellpadding="0" cellspacing="0" border="0" width="600"');
      expect(p.html, c.template).toContain('max-width:600px');
    }
    const bulk = received(cases.find((c) => c.locale === locale && c.template === 'organiser-message')!);
    expect(bulk.html).toContain('&lt;b&gt;non grassetto&lt;/b&gt;');
    expect(bulk.text).toContain('<b>non grassetto</b>');
  });

  it.each(['it', 'en'] as const)('every link is absolute and ours are under PUBLIC_URL (%s)', (locale) => {
    for (const c of cases.filter((x) => x.locale === locale)) {
      const p = received(c);
      const links = [...hrefs(p.html as string), ...textLinks(p.text!)];
      expect(links.length, c.template).toBeGreaterThan(0);
      for (const link of links) {
        const ours = link.startsWith(`${PUBLIC_URL}/`) || link === PUBLIC_URL || link.startsWith('webcal://officina.test/');
        const calendarApp = link.startsWith(GOOGLE) || link.startsWith(OUTLOOK);
        expect(ours || calendarApp || link === ONLINE, `${c.template}: ${link}`).toBe(true);
      }
      if (c.manageUrl) {
        expect(hrefs(p.html as string), c.template).toContain(c.manageUrl);
        expect(p.text, c.template).toContain(c.manageUrl);
      }
    }
    const confirmed = received(cases.find((c) => c.locale === locale && c.template === 'registration-confirmed')!);
    expect(hrefs(confirmed.html as string)).toContain(ONLINE);
  });

  it.each(['it', 'en'] as const)(
    'the check-in QR travels inside confirmations, promotions and reminders: inline PNG, its address in the text (%s)',
    async (locale) => {
      for (const c of cases.filter((x) => x.locale === locale)) {
        const p = await asSent(c);
        const images = p.attachments.filter((a) => a.contentType === 'image/png');
        if (!['registration-confirmed', 'registration-promoted', 'session-reminder'].includes(c.template)) {
          expect(images, c.template).toHaveLength(0);
          continue;
        }
        expect(images, c.template).toHaveLength(1);
        const image = images[0]!;
        expect(image.cid, c.template).toBeTruthy();
        expect(image.related, c.template).toBe(true);
        expect(p.html, c.template).toContain(`src="cid:${image.cid}"`);
        // The QR is the address of the person's check-in code on PUBLIC_URL: no manage token, no name.
        // An English mail's QR opens the English page.
        const url = inLocale(t.app.services.attendance.qrPayload(c.draft.log.registrationId!, 1), locale);
        expect(url).toMatch(new RegExp(`^${PUBLIC_URL}${locale === 'en' ? '/en' : ''}/qr/[0-9a-f-]{36}\\.[A-Za-z0-9_-]{43}$`));
        expect(url).not.toContain(tokenOf(c.manageUrl!));
        expect(await decodeQr(image.content), c.template).toEqual([url]);
        // Without images (or in the text part) the same address is there to open or show.
        expect(p.text, c.template).toContain(url);
        expect(hrefs(p.html as string), c.template).toContain(url);
      }
    },
  );

  it.each(['it', 'en'] as const)('calendar parts: METHOD and the session UIDs, parsed by ical.js (%s)', (locale) => {
    for (const c of cases.filter((x) => x.locale === locale)) {
      const p = received(c);
      const parts = p.attachments.filter((a) => a.contentType.startsWith('text/calendar'));
      const method = CALENDAR[c.template];
      if (!method) {
        expect(parts, c.template).toHaveLength(0);
        continue;
      }
      expect(parts, c.template).toHaveLength(1);
      const cal = new ICAL.Component(ICAL.parse(parts[0]!.content.toString('utf8')));
      expect(cal.getFirstPropertyValue('method'), c.template).toBe(method);
      const events = cal.getAllSubcomponents('vevent');
      expect(events.map((e) => String(e.getFirstPropertyValue('uid'))).sort(), c.template).toEqual([...c.uids].sort());
      for (const e of events) {
        expect(String(e.getFirstPropertyValue('status')), c.template).toBe(method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED');
        expect(String(e.getFirstProperty('attendee')!.getFirstValue()).toLowerCase(), c.template).toBe(`mailto:${c.draft.to.email}`);
      }
      // The same calendar also travels as a file for clients that ignore the alternative part.
      expect(
        p.attachments.some((a) => a.filename === (locale === 'it' ? 'incontri.ics' : 'meetings.ics')),
        c.template,
      ).toBe(true);
    }
  });
  it.each(['it', 'en'] as const)('every link to a page opens the page in the language of the mail (%s)', (locale) => {
    for (const c of cases.filter((x) => x.locale === locale)) {
      const p = received(c);
      const ours = [...hrefs(p.html as string), ...textLinks(p.text!)].filter((l) => l === PUBLIC_URL || l.startsWith(`${PUBLIC_URL}/`));
      const pages = ours.filter((l) => !NOT_PAGES.some((prefix) => l.startsWith(prefix)));
      expect(pages.length, c.template).toBeGreaterThan(1);
      for (const link of pages) {
        const english = link === `${PUBLIC_URL}/en` || link.startsWith(`${PUBLIC_URL}/en/`);
        expect(english, `${c.template} (${locale}): ${link}`).toBe(locale === 'en');
        // The language is in the path, not in a query a redirect would have to turn into a cookie.
        expect(link, c.template).not.toContain('lang=');
      }
      // The events of the calendar part link to the cycle's page in the same language.
      for (const part of p.attachments.filter((a) => a.contentType.startsWith('text/calendar'))) {
        const cal = new ICAL.Component(ICAL.parse(part.content.toString('utf8')));
        for (const e of cal.getAllSubcomponents('vevent')) {
          const url = String(e.getFirstPropertyValue('url'));
          expect(url.startsWith(`${PUBLIC_URL}/en/cicli/`), `${c.template} calendar: ${url}`).toBe(locale === 'en');
          expect(url, c.template).not.toContain('lang=');
        }
      }
    }
  });

  it.each(['it', 'en'] as const)(
    'confirmations and promotions carry the calendar as buttons: the app, Google, Outlook.com, and the .ics address (%s)',
    (locale) => {
      const label = { it: 'Aggiungi al calendario', en: 'Add to calendar' }[locale];
      for (const c of cases.filter((x) => x.locale === locale && ['registration-confirmed', 'registration-promoted'].includes(x.template))) {
        const p = received(c);
        const html = p.html as string;
        const links = hrefs(html);
        const feed = links.find((l) => l.startsWith(`${PUBLIC_URL}/ical/registrations/`));
        expect(feed, c.template).toMatch(/\.ics$/);
        const webcal = feed!.replace(/^http:/, 'webcal:');
        const google = links.find((l) => l.startsWith(GOOGLE))!;
        const outlook = new URL(links.find((l) => l.startsWith(OUTLOOK))!);
        expect(links, c.template).toContain(webcal);
        expect(new URL(google).searchParams.get('cid'), c.template).toBe(webcal);
        expect(outlook.searchParams.get('url'), c.template).toBe(feed);
        expect(outlook.searchParams.get('name'), c.template).toBe(c.cycleTitle);
        // Each a bulletproof button: the link inside a coloured table cell, worded in the mail's language.
        for (const [url, text] of [
          [webcal, label],
          [google, 'Google Calendar'],
          [outlook.href, 'Outlook.com'],
        ] as const) {
          const escaped = url.replace(/&/g, '&amp;').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          expect(html, `${c.template}: ${text}`).toMatch(new RegExp(`<td [^>]*bgcolor="#[0-9a-f]{6}"[^>]*><a href="${escaped}"[^>]*>${text}</a></td>`));
          expect(p.text, c.template).toContain(`${text}:\n${url}`);
        }
        expect(p.text, c.template).toContain(feed);
      }
    },
  );

  it.each(['it', 'en'] as const)("an organiser's message starts with the organiser's words: no greeting of ours above them (%s)", (locale) => {
    const c = cases.find((x) => x.locale === locale && x.template === 'organiser-message')!;
    const p = received(c);
    const greeting = { it: 'Gentile Giulia', en: 'Dear Giulia' }[locale];
    expect(p.html).not.toContain(greeting);
    expect(p.text).not.toContain(greeting);
    expect(p.text).toContain('Ci vediamo in aula 3');
    // The other mails to a person still greet them.
    expect(received(cases.find((x) => x.locale === locale && x.template === 'registration-confirmed')!).text).toContain(`${greeting},`);
  });

  it('the Italian mails say "ciclo", address everyone alike and state the time zone plainly', () => {
    for (const c of cases.filter((x) => x.locale === 'it')) {
      const p = received(c);
      const words = `${p.subject}\n${p.text}`;
      expect(words, c.template).not.toMatch(/percors[oi]/i);
      expect(words, c.template).not.toMatch(/\biscritt[oa] o iscritt|\biscritti\b|organizzatori/i);
      if (/Orari|fuso|ora italiana/.test(words)) expect(words, c.template).toContain('Orari in ora italiana.');
    }
    expect(received(cases.find((x) => x.locale === 'it' && x.template === 'registration-confirmed')!).text).toContain('Orari in ora italiana.');
  });
});
