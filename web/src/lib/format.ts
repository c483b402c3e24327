// Dates and times as people read them, always in the programme's time zone (Europe/Rome by default),
// with Italian or British English conventions: "martedì 12 gennaio 2027, 09:30–12:30".
import type { Locale } from '$lib/paraglide/runtime.js';

const TAG: Record<Locale, string> = { it: 'it-IT', en: 'en-GB' };

// Building an Intl.DateTimeFormat costs far more than using one (it was the largest single cost of
// rendering the catalogue page): one set per language and zone, made once.
const made = new Map<string, ReturnType<typeof build>>();

export function dates(locale: Locale, timeZone: string) {
  const key = `${locale}|${timeZone}`;
  let set = made.get(key);
  if (!set) {
    set = build(locale, timeZone);
    made.set(key, set);
  }
  return set;
}

function build(locale: Locale, timeZone: string) {
  const tag = TAG[locale];
  const day = new Intl.DateTimeFormat(tag, { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
  const shortDay = new Intl.DateTimeFormat(tag, { timeZone, day: 'numeric', month: 'long', year: 'numeric' });
  const dayMonth = new Intl.DateTimeFormat(tag, { timeZone, day: 'numeric', month: 'long' });
  const briefDay = new Intl.DateTimeFormat(tag, { timeZone, weekday: 'short', day: 'numeric', month: 'long' });
  const briefDayYear = new Intl.DateTimeFormat(tag, { timeZone, weekday: 'short', day: 'numeric', month: 'long', year: 'numeric' });
  const year = new Intl.DateTimeFormat('en', { timeZone, year: 'numeric' });
  const time = new Intl.DateTimeFormat(tag, { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const dayKey = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const sameDay = (a: Date, b: Date) => dayKey.format(a) === dayKey.format(b);

  return {
    /** "martedì 12 gennaio 2027" */
    day: (iso: string) => day.format(new Date(iso)),
    /** "12 gennaio 2027" */
    shortDay: (iso: string) => shortDay.format(new Date(iso)),
    /** "09:30" */
    time: (iso: string) => time.format(new Date(iso)),
    /** "martedì 12 gennaio 2027, 09:30–12:30" (both days written out when it spans midnight). */
    session(startIso: string, endIso: string): string {
      const start = new Date(startIso);
      const end = new Date(endIso);
      if (sameDay(start, end)) return `${day.format(start)}, ${time.format(start)}–${time.format(end)}`;
      return `${day.format(start)}, ${time.format(start)} – ${day.format(end)}, ${time.format(end)}`;
    },
    /**
     * "mar 9 dicembre 14:30–17:30", side by side with another one (a meeting moved): the year only when
     * `withYear` (the two are in different years).
     */
    brief(startIso: string, endIso: string, withYear = false): string {
      const start = new Date(startIso);
      const end = new Date(endIso);
      const d = withYear ? briefDayYear : briefDay;
      if (sameDay(start, end)) return `${d.format(start)} ${time.format(start)}–${time.format(end)}`;
      return `${d.format(start)} ${time.format(start)} – ${d.format(end)} ${time.format(end)}`;
    },
    /** Whether two instants fall in the same year in the programme's time zone. */
    sameYear: (a: string, b: string) => year.format(new Date(a)) === year.format(new Date(b)),
    /** "12 gennaio – 9 febbraio 2027" */
    range(startIso: string, endIso: string): string {
      const start = new Date(startIso);
      const end = new Date(endIso);
      if (sameDay(start, end)) return shortDay.format(start);
      // Written by hand: ICU's interval pattern for Italian pads the second day ("– 09 febbraio").
      const first = year.format(start) === year.format(end) ? dayMonth.format(start) : shortDay.format(start);
      return `${first} – ${shortDay.format(end)}`;
    },
    /** "12 gennaio 2027, 09:30" */
    dateTime: (iso: string) => `${shortDay.format(new Date(iso))}, ${time.format(new Date(iso))}`,
  };
}

export type Dates = ReturnType<typeof build>;
