// Dates and places as a participant reads them: always in the programme's zone (Europe/Rome by default),
// whatever the zone of the machine that sends the mail, with Italian or English wording from Intl.
import { INTL_LOCALE, t } from '../server/lib/i18n.ts';
import type { Locale, SessionInfo } from './types.ts';

// Building an Intl.DateTimeFormat costs far more than using one; a worker formats thousands of dates.
const formats = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: Locale, timeZone: string, kind: 'date' | 'dayMonth' | 'dayMonthYear' | 'time'): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${kind}`;
  let f = formats.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions =
      kind === 'time'
        ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }
        : kind === 'date'
          ? { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone }
          : kind === 'dayMonth'
            ? { weekday: 'long', day: 'numeric', month: 'long', timeZone }
            : { day: 'numeric', month: 'long', year: 'numeric', timeZone };
    f = new Intl.DateTimeFormat(INTL_LOCALE[locale], options);
    formats.set(key, f);
  }
  return f;
}

/** "giovedì 3 dicembre 2026" / "Thursday, 3 December 2026". */
export function formatDate(d: Date, locale: Locale, timeZone: string): string {
  return formatter(locale, timeZone, 'date').format(d);
}

/** "giovedì 3 dicembre" (subjects, where the year only adds length). */
export function formatDayMonth(d: Date, locale: Locale, timeZone: string): string {
  return formatter(locale, timeZone, 'dayMonth').format(d);
}

/** "11 dicembre 2026" / "11 December 2026" (after "dal"/"from", where a weekday would read heavy). */
export function formatDayMonthYear(d: Date, locale: Locale, timeZone: string): string {
  return formatter(locale, timeZone, 'dayMonthYear').format(d);
}

/**
 * Whether Italian elides the article before this date: "dall’8 dicembre", "dall’11 dicembre", "dall’1
 * dicembre" (the days said with a vowel: uno, otto, undici), "dal 3 dicembre" otherwise.
 */
export function elidesArticle(d: Date, timeZone: string): boolean {
  const day = new Intl.DateTimeFormat('en', { day: 'numeric', timeZone }).format(d);
  return day === '1' || day === '8' || day === '11';
}

/** "09:30" (24-hour clock in both languages: the programme is Italian). */
export function formatTime(d: Date, locale: Locale, timeZone: string): string {
  return formatter(locale, timeZone, 'time').format(d);
}

/** "giovedì 3 dicembre 2026, 09:30–12:30"; a meeting over midnight names both days. */
export function formatWhen(start: Date, end: Date, locale: Locale, timeZone: string): string {
  const day = formatDate(start, locale, timeZone);
  const endDay = formatDate(end, locale, timeZone);
  if (day === endDay) return `${day}, ${formatTime(start, locale, timeZone)}–${formatTime(end, locale, timeZone)}`;
  return `${day}, ${formatTime(start, locale, timeZone)} – ${endDay}, ${formatTime(end, locale, timeZone)}`;
}

/** The note under a list of times, so nobody abroad misreads them. */
export function zoneNote(locale: Locale, timeZone: string): string {
  return timeZone === 'Europe/Rome' ? t(locale, 'email_zone_note_rome') : t(locale, 'email_zone_note', { zone: timeZone });
}

/** Where a meeting happens, as words: the place, the online link (or that it comes later), or both. */
export function placeLines(s: Pick<SessionInfo, 'location' | 'onlineUrl' | 'online'>, locale: Locale): { label: string; value: string; href?: string }[] {
  const out: { label: string; value: string; href?: string }[] = [];
  const place = t(locale, 'email_place');
  const online = t(locale, 'email_online');
  if (s.location) out.push({ label: place, value: s.location });
  if (s.onlineUrl) out.push({ label: online, value: s.onlineUrl, href: s.onlineUrl });
  else if (s.online) out.push({ label: online, value: t(locale, 'email_online_later') });
  if (out.length === 0) out.push({ label: place, value: t(locale, 'email_place_to_be_announced') });
  return out;
}
