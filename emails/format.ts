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

/** "11 dicembre 2026" / "11 December 2026"; Italian writes the first of the month "1° dicembre". */
export function formatDayMonthYear(d: Date, locale: Locale, timeZone: string): string {
  const s = formatter(locale, timeZone, 'dayMonthYear').format(d);
  return locale === 'it' ? s.replace(/^1 /, '1° ') : s;
}

/** How a date is joined to a sentence: "dal …", "al …", "il …" (English: from, to, on). */
export type DateLink = 'from' | 'to' | 'on';
const LINKS: Record<DateLink, { it: readonly [plain: string, elided: string]; en: string }> = {
  from: { it: ['dal ', 'dall’'], en: 'from ' },
  to: { it: ['al ', 'all’'], en: 'to ' },
  on: { it: ['il ', 'l’'], en: 'on ' },
};

/**
 * A date inside a sentence, with its preposition: "dall’11 dicembre 2026", "all’8 aprile 2026",
 * "il 1° dicembre 2026", "dal 3 dicembre 2026"; "from 11 December 2026". Italian elides the article
 * before the days said with a vowel (otto, undici); the day is the programme's, whatever the zone of
 * the machine. The pages say dates the same way (web/src/lib/format.ts, datePhrase).
 */
export function datePhrase(d: Date, link: DateLink, locale: Locale, timeZone: string): string {
  const day = formatDayMonthYear(d, locale, timeZone);
  if (locale === 'en') return LINKS[link].en + day;
  const [plain, elided] = LINKS[link].it;
  return (/^(8|11) /.test(day) ? elided : plain) + day;
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
