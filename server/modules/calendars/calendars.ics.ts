// The one iCalendar builder, pure (no database, no clock): the feeds and the e-mail attachments both
// call renderCalendar, so a meeting has the same UID, SEQUENCE and wording wherever it is seen.
//
// RFC 5545 choices, and why:
// - UID `session-<id>@<host of PUBLIC_URL>` never changes, so every update (feed refresh, e-mail)
//   replaces the event in the person's calendar instead of duplicating it.
// - SEQUENCE is sessions.sequence (bumped by the sessions service on every visible change); clients
//   such as Outlook ignore an update whose SEQUENCE is not higher than the one they hold.
// - DTSTAMP and LAST-MODIFIED are the real modification time, not "now": the same data gives the same
//   bytes, so feeds get stable strong ETags.
// - Cancelled meetings stay, with STATUS:CANCELLED (and a visible prefix, because Google and Outlook do
//   not show the status of subscribed events): an event that silently vanishes looks like a glitch.
// - Times are written as TZID=<zone> wall times with a VTIMEZONE, never the process's local time:
//   ical-generator only does that with zoned dates (TZDate), see docs/decisions.md.
import { TZDate } from '@date-fns/tz';
import ical, {
  escape,
  ICalAttendeeRole,
  ICalAttendeeStatus,
  ICalCalendarMethod,
  ICalEventBusyStatus,
  ICalEventStatus,
  ICalEventTransparency,
  type ICalEvent,
} from 'ical-generator';
import { tzlib_get_ical_block } from 'timezones-ical-library';
import { t, type Locale } from '../../lib/i18n.ts';
import { pagePath, pageUrl } from '../../lib/site.urls.ts';

export interface IcsEvent {
  sessionId: string;
  cycleSlug: string;
  cycleTitle: string;
  sessionTitle: string;
  startsAt: Date;
  endsAt: Date;
  location: string | null;
  /** The link to join; null where it is withheld (public feeds, anyone without a confirmed seat). */
  onlineUrl: string | null;
  /** The meeting can be joined online, whether or not this reader gets the link. */
  online: boolean;
  /** 'tentative': seen by someone on the waiting list (private feed only). */
  status: 'scheduled' | 'cancelled' | 'tentative';
  sequence: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface IcsMailbox {
  email: string;
  name: string;
}

export interface IcsOptions {
  name: string;
  description?: string;
  /** Feeds: none. E-mails: REQUEST for new or moved meetings, CANCEL for cancelled ones (one session per message). */
  method?: 'PUBLISH' | 'REQUEST' | 'CANCEL';
  events: IcsEvent[];
  timezone: string;
  publicUrl: string;
  locale: Locale;
  /** E-mails only: the participant, written with RSVP=FALSE (nobody has to answer). */
  attendee?: IcsMailbox;
  /**
   * E-mails only: the ORGANIZER. Pass the no-reply sender (organizerFromMailFrom(config.mailFrom)) so a
   * calendar client's automatic replies never reach a person; default `Officina <no-reply@<host>>`.
   */
  organizer?: IcsMailbox;
  /** ISO 8601 duration; default PT6H for feeds (no method or PUBLISH), none for REQUEST/CANCEL. */
  refreshInterval?: string;
}

/** Stable forever: the same meeting is the same calendar event in every feed and every e-mail. */
export function sessionUid(sessionId: string, publicUrl: string): string {
  return uidAt(sessionId, new URL(publicUrl).hostname);
}
const uidAt = (sessionId: string, host: string) => `session-${sessionId}@${host}`;

/** "Officina <no-reply@example.org>" or a bare address -> the mailbox written as ORGANIZER. */
export function organizerFromMailFrom(mailFrom: string): IcsMailbox {
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(mailFrom);
  if (m) return { name: m[1]!.trim() || 'Officina', email: m[2]!.trim() };
  return { name: 'Officina', email: mailFrom.trim() };
}

/** The event as anyone may see it: that it is online, never the link (public feeds). */
export function withoutOnlineUrl(e: IcsEvent): IcsEvent {
  return { ...e, onlineUrl: null };
}

/**
 * The events as one registration sees them: waitlisted -> tentative, cancelled -> cancelled, and the
 * online link only for a confirmed seat (a waiting list or a cancelled registration holds none). SEQUENCE
 * grows with each step of the registration (promotion, cancellation) on top of the session's own, so
 * the private feed and the e-mails to that person never go backwards: use this for both.
 */
export function forRegistration(
  e: IcsEvent,
  r: { status: 'confirmed' | 'waitlisted' | 'cancelled'; createdAt: Date; confirmedAt: Date | null; cancelledAt: Date | null },
): IcsEvent {
  const promoted = r.confirmedAt !== null && r.confirmedAt.getTime() > r.createdAt.getTime();
  const bump = (promoted ? 1 : 0) + (r.status === 'cancelled' ? 1 : 0);
  const touched = Math.max(e.updatedAt.getTime(), r.confirmedAt?.getTime() ?? 0, r.cancelledAt?.getTime() ?? 0);
  const status = r.status === 'cancelled' ? 'cancelled' : r.status === 'waitlisted' && e.status === 'scheduled' ? 'tentative' : e.status;
  const onlineUrl = r.status === 'confirmed' ? e.onlineUrl : null;
  return { ...e, status, onlineUrl, sequence: e.sequence + bump, updatedAt: new Date(touched) };
}

/**
 * A TZDate that is already in the zone asked for: ical-generator calls withTimeZone(zone) on every date
 * it formats, and a fresh TZDate costs two Intl lookups; returning itself halves the time of a feed.
 */
class ZonedDate extends TZDate {
  override withTimeZone(timeZone: string): TZDate {
    return timeZone === this.timeZone ? this : super.withTimeZone(timeZone);
  }
}

const vtimezones = new Map<string, string | null>();
/** VTIMEZONE block of an IANA zone (timezones-ical-library), looked up once per zone. */
function vtimezone(tz: string): string | null {
  if (!vtimezones.has(tz)) {
    const block = tzlib_get_ical_block(tz);
    vtimezones.set(tz, Array.isArray(block) && typeof block[0] === 'string' && block[0].startsWith('BEGIN:VTIMEZONE') ? block[0] : null);
  }
  return vtimezones.get(tz)!;
}

/** "PT6H", "P1D", "PT30M" -> seconds (the subset of ISO 8601 durations a refresh interval needs). */
export function durationSeconds(iso: string): number {
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(iso);
  if (!m || iso === 'P' || iso.endsWith('T')) throw new Error(`not an ISO 8601 duration: ${iso}`);
  const [w, d, h, min, s] = m.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number];
  return (((w * 7 + d) * 24 + h) * 60 + min) * 60 + s;
}

/** Quoted parameter values (CN="...") cannot hold DQUOTE or control characters at all (RFC 5545 3.1). */
const paramSafe = (s: string) =>
  s
    .replace(/\p{Cc}/gu, ' ')
    .replace(/"/g, '')
    .replace(/\s+/g, ' ')
    .trim() || 'Officina';

const SUMMARY = { scheduled: 'calendar_summary', cancelled: 'calendar_summary_cancelled', tentative: 'calendar_summary_tentative' } as const;

function describe(e: IcsEvent, page: string, locale: Locale): string {
  const lines: string[] = [];
  if (e.status === 'cancelled') lines.push(t(locale, 'calendar_cancelled'));
  if (e.status === 'tentative') lines.push(t(locale, 'calendar_tentative'));
  if (e.status !== 'cancelled') {
    if (e.onlineUrl) lines.push(t(locale, 'calendar_online_link', { url: e.onlineUrl }));
    else if (e.online) lines.push(t(locale, 'calendar_online_later'));
  }
  lines.push(t(locale, 'calendar_cycle_page', { url: page }));
  return lines.join('\n');
}

export function renderCalendar(opts: IcsOptions): string {
  const { timezone, publicUrl, locale } = opts;
  const isMessage = opts.method === 'REQUEST' || opts.method === 'CANCEL';
  const base = publicUrl.replace(/\/+$/, '');
  const host = new URL(base).hostname;
  const organizer = opts.organizer ?? { name: 'Officina', email: `no-reply@${host}` };
  const refresh = opts.refreshInterval ?? (isMessage ? undefined : 'PT6H');

  const cal = ical({
    prodId: { company: 'Officina', product: 'Officina', language: locale.toUpperCase() },
    // NAME and X-WR-CALDESC are written verbatim by ical-generator: escape them here.
    name: escape(opts.name, false),
    description: opts.description ? escape(opts.description, false) : null,
    scale: 'gregorian',
    // No calendar-wide zone: with one, ical-generator would also write DTSTAMP/CREATED/LAST-MODIFIED as
    // floating local times, which RFC 5545 requires in UTC. Each event carries the zone instead.
    ttl: refresh ? durationSeconds(refresh) : null,
  });
  if (opts.method) cal.method(ICalCalendarMethod[opts.method]);
  cal.x('X-WR-TIMEZONE', timezone);

  const events: ICalEvent[] = [];
  for (const e of opts.events) {
    // A CANCEL message cancels every event it carries (RFC 5546 3.2.5), whatever the session's state.
    const status = opts.method === 'CANCEL' ? 'cancelled' : e.status;
    // The page in the calendar's language (/en/... in English): it opens in English on any device.
    const page = pageUrl(base, pagePath.cycle(e.cycleSlug), locale);
    const ev = cal.createEvent({
      id: uidAt(e.sessionId, host),
      sequence: e.sequence,
      stamp: e.updatedAt,
      created: e.createdAt,
      lastModified: e.updatedAt,
      timezone,
      start: new ZonedDate(e.startsAt.getTime(), timezone),
      end: new ZonedDate(e.endsAt.getTime(), timezone),
      summary: t(locale, SUMMARY[status], { cycle: e.cycleTitle, session: e.sessionTitle }),
      location: e.location ?? e.onlineUrl ?? (e.online ? 'Online' : null),
      url: page,
      description: describe({ ...e, status }, page, locale),
      status: status === 'cancelled' ? ICalEventStatus.CANCELLED : status === 'tentative' ? ICalEventStatus.TENTATIVE : ICalEventStatus.CONFIRMED,
      // A cancelled meeting must not block the person's agenda.
      transparency: status === 'cancelled' ? ICalEventTransparency.TRANSPARENT : ICalEventTransparency.OPAQUE,
      busystatus: status === 'cancelled' ? ICalEventBusyStatus.FREE : ICalEventBusyStatus.BUSY,
    });
    if (isMessage) {
      ev.organizer({ name: paramSafe(organizer.name), email: organizer.email });
      if (opts.attendee) {
        ev.createAttendee({
          email: opts.attendee.email,
          name: paramSafe(opts.attendee.name),
          role: ICalAttendeeRole.REQ,
          // No PARTSTAT on a cancellation: the meeting is off, the person did not decline it.
          status: status === 'cancelled' ? null : status === 'tentative' ? ICalAttendeeStatus.TENTATIVE : ICalAttendeeStatus.ACCEPTED,
          rsvp: false,
        });
      }
    }
    events.push(ev);
  }

  // ical-generator folds with one TextEncoder per character (about 250 ms for 500 events): the header
  // comes from it as it is, the events are serialised by it and folded here by code point.
  // The VTIMEZONE (which ical-generator would add from its events) is therefore added here too, always:
  // X-WR-TIMEZONE names the zone even when the feed is empty.
  cal.clear();
  const head = cal.toString().replace(/END:VCALENDAR$/, '');
  const tz = vtimezone(timezone);
  let body = tz ? `${tz.replace(/\r?\n/g, '\r\n').trim()}\r\n` : '';
  for (const ev of events) body += foldLines(ev.toString());
  return `${head}${body}END:VCALENDAR\r\n`;
}

/**
 * Everything renderCalendar's output depends on, as one string: equal fingerprints give byte-identical
 * calendars (the renderer reads no clock), so a digest of it is a strong ETag and a cache key. Any new
 * field of IcsOptions or IcsEvent must be added here.
 */
export function fingerprint(opts: IcsOptions): string {
  const head = [
    opts.name,
    opts.description ?? null,
    opts.method ?? null,
    opts.timezone,
    opts.publicUrl,
    opts.locale,
    opts.attendee ? [opts.attendee.email, opts.attendee.name] : null,
    opts.organizer ? [opts.organizer.email, opts.organizer.name] : null,
    opts.refreshInterval ?? null,
  ];
  const events = opts.events.map((e) => [
    e.sessionId,
    e.cycleSlug,
    e.cycleTitle,
    e.sessionTitle,
    e.startsAt.getTime(),
    e.endsAt.getTime(),
    e.location,
    e.onlineUrl,
    e.online,
    e.status,
    e.sequence,
    e.createdAt.getTime(),
    e.updatedAt.getTime(),
  ]);
  return JSON.stringify([head, events]);
}

// eslint-disable-next-line no-control-regex -- the ASCII range, control characters included, is the point
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * RFC 5545 3.1: lines longer than 75 octets are split, continuation lines start with one space. Splits
 * only between code points, so a multi-byte character (accent, emoji) is never cut in half.
 */
export function foldLines(text: string): string {
  const out: string[] = [];
  for (const line of text.split('\r\n')) {
    // A UTF-16 code unit is at most 3 octets in UTF-8: 25 units always fit.
    if (line.length <= 25 || (line.length <= 75 && !NON_ASCII.test(line))) {
      out.push(line);
    } else if (!NON_ASCII.test(line)) {
      out.push(line.slice(0, 75));
      for (let i = 75; i < line.length; i += 74) out.push(' ' + line.slice(i, i + 74));
    } else {
      let from = 0;
      let octets = 0;
      let limit = 75;
      for (let i = 0; i < line.length;) {
        const c = line.charCodeAt(i);
        const surrogatePair = c >= 0xd800 && c <= 0xdbff && i + 1 < line.length;
        const n = c < 0x80 ? 1 : c < 0x800 ? 2 : surrogatePair ? 4 : 3;
        if (octets + n > limit) {
          out.push((limit === 75 ? '' : ' ') + line.slice(from, i));
          from = i;
          octets = 0;
          limit = 74;
        }
        octets += n;
        i += surrogatePair ? 2 : 1;
      }
      out.push((limit === 75 ? '' : ' ') + line.slice(from));
    }
  }
  return out.join('\r\n');
}
