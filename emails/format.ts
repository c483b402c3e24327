// Dates and places as a participant reads them: always in the programme's zone (Europe/Rome by default),
// whatever the zone of the machine that sends the mail, with Italian or English wording from Intl.
import type { Locale, SessionInfo } from './types.ts';

const INTL_LOCALE: Record<Locale, string> = { it: 'it-IT', en: 'en-GB' };

// Building an Intl.DateTimeFormat costs far more than using one; a worker formats thousands of dates.
const formats = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: Locale, timeZone: string, kind: 'date' | 'dayMonth' | 'time'): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${kind}`;
  let f = formats.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions =
      kind === 'time'
        ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }
        : kind === 'date'
          ? { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone }
          : { weekday: 'long', day: 'numeric', month: 'long', timeZone };
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
  if (timeZone === 'Europe/Rome') return locale === 'it' ? 'Gli orari sono in ora italiana.' : 'Times are Italian time (Europe/Rome).';
  return locale === 'it' ? `Gli orari sono nel fuso ${timeZone}.` : `Times are in the ${timeZone} time zone.`;
}

/** Where a meeting happens, as words: the place, the online link (or that it comes later), or both. */
export function placeLines(s: Pick<SessionInfo, 'location' | 'onlineUrl' | 'online'>, locale: Locale): { label: string; value: string; href?: string }[] {
  const out: { label: string; value: string; href?: string }[] = [];
  if (s.location) out.push({ label: locale === 'it' ? 'Luogo' : 'Place', value: s.location });
  if (s.onlineUrl) out.push({ label: 'Online', value: s.onlineUrl, href: s.onlineUrl });
  else if (s.online) {
    out.push({ label: 'Online', value: locale === 'it' ? 'il link arriva agli iscritti confermati' : 'the link is sent to confirmed participants' });
  }
  if (out.length === 0) out.push({ label: locale === 'it' ? 'Luogo' : 'Place', value: locale === 'it' ? 'da definire' : 'to be announced' });
  return out;
}

/** webcal:// form of an http(s) calendar address: calendar apps offer to subscribe when it is opened. */
export function webcalUrl(httpUrl: string): string {
  return httpUrl.replace(/^https?:\/\//, 'webcal://');
}
