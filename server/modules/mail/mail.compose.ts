// Turns a job into a message, at send time: loads the current state, decides whether the mail still
// makes sense (a reminder for a cancelled registration or a meeting already started is not sent), and
// renders the template with absolute links and, where it belongs, the calendar attachment and the
// check-in QR.
import type { Locale } from '../../../db/schema.ts';
import { renderEmail, type CheckInQr, type ContactInfo, type RenderedEmail, type SessionInfo, type Site, type TemplateName } from '../../../emails/index.ts';
import { t as text } from '../../lib/i18n.ts';
import type { TokenKit } from '../../lib/tokens.ts';
import { pagePath, pageUrl } from '../../lib/site.urls.ts';
import { qrPayload } from '../attendance/attendance.codes.ts';
import { qrImage } from '../attendance/attendance.qr.ts';
import { forRegistration, organizerFromMailFrom, renderCalendar, type IcsEvent } from '../calendars/calendars.ics.ts';
import { calendarLinks } from '../../lib/calendar.links.ts';
import { waitlistPosition } from '../registrations/registrations.repository.ts';
import { findByRegistration as certificateOf } from '../certificates/certificates.repository.ts';
import { certificateUrl } from '../certificates/certificates.service.ts';
import { materialsForMail } from '../materials/materials.mail.ts';
import { calendarUrl } from '../registrations/registrations.service.ts';
import { cycleContact } from '../cycles/cycles.service.ts';
import type { Executor } from '../../lib/db.ts';
import { dedupeKey, type MailPayload } from './mail.jobs.ts';
import * as repo from './mail.repository.ts';
import type { RegistrationContext } from './mail.repository.ts';

export interface ComposeDeps {
  db: Executor;
  publicUrl: string;
  timezone: string;
  mailFrom: string;
  tokens: TokenKit;
  /** The contact of cycles that name none, and of the mails about no cycle (config.programmeContact). */
  programmeContact: ContactInfo | null;
}

export interface LogTarget {
  dedupeKey: string;
  template: TemplateName;
  registrationId: string | null;
  cycleId: string | null;
  sessionId: string | null;
}

export interface Draft {
  log: LogTarget;
  locale: Locale;
  to: { email: string; name: string };
  /** Where a reply goes: the contact shown in the mail (read at send time, never from the job's payload). */
  replyTo: ContactInfo | null;
  rendered: RenderedEmail;
  calendar: { method: 'REQUEST' | 'CANCEL'; content: string } | null;
  /** Images the HTML part shows by Content-ID (`cid:`), sent inside the message. */
  images: InlineImage[];
}

export interface InlineImage {
  cid: string;
  filename: string;
  content: Buffer;
}

export type Composition = { send: true; draft: Draft } | { send: false; log: LogTarget; reason: string; recipient: string | null };

/** A session as a mail shows it: the current row, or the revision a change mail is about. */
interface SessionState {
  id: string;
  title: string;
  starts_at: Date | string;
  ends_at: Date | string;
  location: string | null;
  online_url: string | null;
  status: 'scheduled' | 'cancelled';
  sequence: number;
  created_at: Date | string;
  updated_at: Date | string;
}

const t = (d: Date | string) => new Date(d);

export function mailComposer(deps: ComposeDeps) {
  const { db, publicUrl, timezone } = deps;
  const site: Site = { publicUrl, timezone };
  const organizer = organizerFromMailFrom(deps.mailFrom);

  // Every page a mail links to opens in the language of the mail (/en/... for English), on any device:
  // a cookie from the person's own browser can't be counted on (another device, a webmail's browser).
  // API downloads and the calendar feed have one address in every language.
  const page = (path: string, locale: Locale) => pageUrl(publicUrl, path, locale);
  const manageUrl = (token: string, locale: Locale) => page(pagePath.registration(token), locale);
  const links = (r: RegistrationContext) => ({
    manageUrl: manageUrl(deps.tokens.token('manage', r.id, r.token_version), r.locale),
    calendar: calendarLinks(calendarUrl(publicUrl, deps.tokens.token('calendar', r.id, r.calendar_token_version)), r.cycle_title),
  });
  /** The link to join online goes only to a confirmed seat; the waiting list learns that the meeting is online. */
  const sessionInfo = (s: SessionState, r: RegistrationContext): SessionInfo => ({
    title: s.title,
    startsAt: t(s.starts_at),
    endsAt: t(s.ends_at),
    location: s.location,
    onlineUrl: r.status === 'confirmed' ? s.online_url : null,
    online: s.online_url !== null,
    status: s.status,
  });

  /** The calendar part for one person: their view of the events (forRegistration), METHOD as given. */
  function calendar(r: RegistrationContext, method: 'REQUEST' | 'CANCEL', sessions: SessionState[]) {
    if (sessions.length === 0) return null;
    const who = {
      status: r.status,
      createdAt: t(r.created_at),
      confirmedAt: r.confirmed_at ? t(r.confirmed_at) : null,
      cancelledAt: r.cancelled_at ? t(r.cancelled_at) : null,
    };
    const events: IcsEvent[] = sessions.map((s) =>
      forRegistration(
        {
          sessionId: s.id,
          cycleSlug: r.cycle_slug,
          cycleTitle: r.cycle_title,
          sessionTitle: s.title,
          startsAt: t(s.starts_at),
          endsAt: t(s.ends_at),
          location: s.location,
          onlineUrl: s.online_url,
          online: s.online_url !== null,
          status: s.status,
          sequence: s.sequence,
          createdAt: t(s.created_at),
          updatedAt: t(s.updated_at),
        },
        who,
      ),
    );
    const content = renderCalendar({
      name: r.cycle_title,
      method,
      events,
      timezone,
      publicUrl,
      locale: r.locale,
      attendee: { email: r.email!, name: `${r.first_name} ${r.last_name}` },
      organizer,
    });
    return { method, content };
  }

  /** The person's check-in QR: its address for the template, its PNG for the message. */
  async function checkIn(r: RegistrationContext): Promise<{ qr: CheckInQr; image: InlineImage }> {
    const url = qrPayload(deps.tokens, publicUrl, r.id, r.token_version, r.locale);
    const cid = `checkin-qr@${new URL(publicUrl).hostname}`;
    const content = (await qrImage(url, 'png')) as Buffer;
    return { qr: { url, imageCid: cid }, image: { cid, filename: text(r.locale, 'email_checkin_filename'), content } };
  }

  function draft(log: LogTarget, r: RegistrationContext, rendered: RenderedEmail, cal: Draft['calendar'], images: InlineImage[] = []): Composition {
    const to = { email: r.email!, name: `${r.first_name} ${r.last_name}` };
    return { send: true, draft: { log, locale: r.locale, to, replyTo: cycleContact(r, deps.programmeContact), rendered, calendar: cal, images } };
  }
  const skip = (log: LogTarget, reason: string, recipient: string | null = null): Composition => ({ send: false, log, reason, recipient });

  async function registrationMail(p: Extract<MailPayload, { registrationId: string }>, now: Date): Promise<Composition> {
    const found = await repo.registrationWithSessions(db, p.registrationId);
    const r = found?.registration;
    const log: LogTarget = {
      dedupeKey: dedupeKey(p),
      template: p.kind,
      registrationId: p.registrationId,
      cycleId: r?.cycle_id ?? null,
      sessionId: 'sessionId' in p ? p.sessionId : null,
    };
    if (!found || !r) return skip(log, 'the registration no longer exists');
    if (!r.email) return skip(log, 'the personal data of this registration were erased');
    const sessions: SessionState[] = found.sessions;
    const upcoming = sessions.filter((s) => s.status === 'scheduled' && t(s.ends_at) > now);
    const contact = cycleContact(r, deps.programmeContact);
    const L = r.locale;
    const person = { site, contact, firstName: r.first_name, cycle: { title: r.cycle_title, url: page(pagePath.cycle(r.cycle_slug), L) }, ...links(r) };

    switch (p.kind) {
      case 'registration-confirmed':
      case 'registration-promoted': {
        if (r.status !== 'confirmed') return skip(log, `the registration is ${r.status}`, r.email);
        if (sessions.length > 0 && upcoming.length === 0) return skip(log, 'the cycle has already ended', r.email);
        const cal = calendar(r, 'REQUEST', upcoming);
        const pass = await checkIn(r);
        const props = { ...person, sessions: sessions.map((s) => sessionInfo(s, r)), calendarAttached: cal !== null, checkIn: pass.qr };
        return draft(log, r, renderEmail(p.kind, props, L), cal, [pass.image]);
      }
      case 'registration-waitlisted': {
        if (r.status !== 'waitlisted') return skip(log, `the registration is ${r.status}`, r.email);
        const position = await waitlistPosition(db, r.cycle_id, r.seq);
        return draft(log, r, renderEmail(p.kind, { ...person, position, sessions: sessions.map((s) => sessionInfo(s, r)) }, L), null);
      }
      case 'registration-cancelled': {
        if (r.status !== 'cancelled') return skip(log, `the registration is ${r.status}`, r.email);
        const wasConfirmed = r.confirmed_at !== null;
        const cal = wasConfirmed ? calendar(r, 'CANCEL', upcoming) : null;
        const props = { site, contact, firstName: r.first_name, cycle: person.cycle, wasConfirmed, calendarAttached: cal !== null };
        return draft(log, r, renderEmail(p.kind, props, L), cal);
      }
      case 'session-reminder': {
        if (r.status !== 'confirmed') return skip(log, `the registration is ${r.status}`, r.email);
        const s = sessions.find((x) => x.id === p.sessionId);
        if (!s || s.status !== 'scheduled') return skip(log, 'the meeting was cancelled or removed', r.email);
        const startsAt = t(s.starts_at).getTime();
        if (startsAt !== p.startsAtMs) return skip(log, 'the meeting moved: a reminder for the new time replaces this one', r.email);
        if (now.getTime() >= startsAt) return skip(log, 'the meeting has already started', r.email);
        // Hours late (the worker was down): a reminder far past its moment would arrive next to the
        // following one, or after the person already planned the day.
        if (now.getTime() > startsAt - p.offsetMs / 2) return skip(log, 'too late for this reminder', r.email);
        const held = sessions.filter((x) => x.status === 'scheduled');
        const index = { number: held.findIndex((x) => x.id === s.id) + 1, of: held.length };
        // A meeting with a place, or without an online link, has an entrance where the QR is scanned.
        const pass = s.location !== null || s.online_url === null ? await checkIn(r) : null;
        const props = { ...person, session: sessionInfo(s, r), index, checkIn: pass?.qr ?? null };
        return draft(log, r, renderEmail(p.kind, props, L), null, pass ? [pass.image] : []);
      }
      case 'session-changed':
      case 'session-cancelled': {
        const current = sessions.find((x) => x.id === p.sessionId);
        if (!current) return skip(log, 'the meeting no longer exists', r.email);
        // The mail is about the change that produced `sequence`: the state then, and the state before.
        const state: SessionState | undefined = current.sequence === p.sequence ? current : await revisionAt(current, p.sequence);
        if (!state) return skip(log, 'this version of the meeting is unknown', r.email);
        if (t(state.ends_at) <= now) return skip(log, 'the meeting is in the past (a correction of the record)', r.email);
        if (p.kind === 'session-cancelled') {
          if (r.status === 'cancelled') return skip(log, 'the registration is cancelled', r.email);
          if (state.status !== 'cancelled') return skip(log, 'the meeting is not cancelled in this version', r.email);
          const cal = r.status === 'confirmed' ? calendar(r, 'CANCEL', [state]) : null;
          const props = { ...person, session: sessionInfo(state, r), waitlisted: r.status === 'waitlisted', calendarAttached: cal !== null };
          return draft(log, r, renderEmail(p.kind, props, L), cal);
        }
        if (r.status !== 'confirmed') return skip(log, `the registration is ${r.status}`, r.email);
        const before = await repo.sessionRevisionBefore(db, p.sessionId, p.sequence);
        if (!before) return skip(log, 'no earlier version of the meeting to compare with', r.email);
        const moved = t(before.starts_at).getTime() !== t(state.starts_at).getTime() || t(before.ends_at).getTime() !== t(state.ends_at).getTime();
        const replaced = before.location !== state.location || before.online_url !== state.online_url;
        const reinstated = before.status === 'cancelled' && state.status === 'scheduled';
        if (!moved && !replaced && !reinstated) return skip(log, 'nothing a participant sees has changed (title only)', r.email);
        const cal = calendar(r, 'REQUEST', [state]);
        const previous = {
          startsAt: t(before.starts_at),
          endsAt: t(before.ends_at),
          location: before.location,
          onlineUrl: before.online_url,
          online: before.online_url !== null,
          status: before.status,
        };
        const props = { ...person, session: sessionInfo(state, r), previous, calendarAttached: cal !== null };
        return draft(log, r, renderEmail(p.kind, props, L), cal);
      }
      case 'organiser-message': {
        const m = await repo.organiserMessage(db, p.messageId);
        if (!m || m.cycle_id !== r.cycle_id) return skip(log, 'the message no longer exists', r.email);
        if (!m.statuses.includes(r.status)) return skip(log, `the registration is now ${r.status}`, r.email);
        return draft(log, r, renderEmail(p.kind, { ...person, subject: m.subject, body: m.body }, L), null);
      }
      case 'materials-available': {
        if (r.status !== 'confirmed') return skip(log, `the registration is ${r.status}`, r.email);
        const token = deps.tokens.token('manage', r.id, r.token_version);
        const found = await materialsForMail(db, publicUrl, r, p.sessionId, token);
        if (found.materials.length === 0) return skip(log, 'none of these materials is visible to this person any more', r.email);
        return draft(log, r, renderEmail(p.kind, { ...person, session: found.session, materials: found.materials }, L), null);
      }
      case 'certificate-issued': {
        const c = await certificateOf(db, r.id);
        if (!c || c.anonymised_at) return skip(log, 'no certificate for this registration', r.email);
        const token = deps.tokens.token('manage', r.id, r.token_version);
        const certificate = {
          code: c.code,
          downloadUrl: certificateUrl(publicUrl, token),
          verifyUrl: page(pagePath.verify(c.code), L),
          attendedSessions: c.attended_sessions,
          heldSessions: c.held_sessions,
          hours: Number(c.hours),
        };
        return draft(log, r, renderEmail(p.kind, { ...person, certificate }, L), null);
      }
    }
  }

  async function revisionAt(current: SessionState, sequence: number): Promise<SessionState | undefined> {
    const rev = await repo.sessionRevision(db, current.id, sequence);
    return rev ? { ...rev, id: current.id, created_at: current.created_at } : undefined;
  }

  async function manageLinks(p: Extract<MailPayload, { kind: 'manage-links' }>): Promise<Composition> {
    const rows = await repo.participantRegistrations(db, p.participantId);
    const log: LogTarget = { dedupeKey: dedupeKey(p), template: 'manage-links', registrationId: null, cycleId: null, sessionId: null };
    const first = rows[0];
    if (!first || !first.email) return skip(log, 'no such participant, or their data were erased');
    const registrations = rows.flatMap((row) =>
      row.id && row.status && row.status !== 'cancelled' && row.cycle_title && row.token_version !== null
        ? [
            {
              cycleTitle: row.cycle_title,
              status: row.status,
              startsAt: row.first_starts_at ? t(row.first_starts_at) : null,
              manageUrl: manageUrl(deps.tokens.token('manage', row.id, row.token_version), first.locale),
            },
          ]
        : [],
    );
    // About several cycles at once: the programme's contact answers.
    const contact = deps.programmeContact;
    const rendered = renderEmail('manage-links', { site, contact, registrations }, first.locale);
    return { send: true, draft: { log, locale: first.locale, to: { email: first.email, name: '' }, replyTo: contact, rendered, calendar: null, images: [] } };
  }

  async function personalDataLink(p: Extract<MailPayload, { kind: 'personal-data-link' }>, now: Date): Promise<Composition> {
    const row = await repo.personalDataRequest(db, p.requestId);
    const log: LogTarget = { dedupeKey: dedupeKey(p), template: 'personal-data-link', registrationId: null, cycleId: null, sessionId: null };
    // An unknown address (the request names nobody), a person erased meanwhile, or a link already used.
    if (!row || !row.email || !row.locale) return skip(log, 'no such person, the link was used, or their data were erased');
    const expiresAt = t(row.expires_at);
    if (expiresAt <= now) return skip(log, 'the link expired before it could be sent', row.email);
    const token = deps.tokens.token('personal-data', row.id, 0);
    const url = page(pagePath.personalData(token), row.locale);
    const contact = deps.programmeContact;
    const rendered = renderEmail('personal-data-link', { site, contact, url, expiresAt }, row.locale);
    return { send: true, draft: { log, locale: row.locale, to: { email: row.email, name: '' }, replyTo: contact, rendered, calendar: null, images: [] } };
  }

  return {
    async compose(p: MailPayload, now: Date): Promise<Composition> {
      if (p.kind === 'manage-links') return manageLinks(p);
      if (p.kind === 'personal-data-link') return personalDataLink(p, now);
      return registrationMail(p, now);
    },
  };
}

export type MailComposer = ReturnType<typeof mailComposer>;
