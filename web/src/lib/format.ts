// Dates and times as people read them, always in the programme's time zone (Europe/Rome by default),
// with Italian or British English conventions: "martedì 12 gennaio 2027, 09:30–12:30".

/** Paraglide's Locale, written out so that unit tests can import this file without the generated runtime. */
type Locale = 'it' | 'en';

const TAG: Record<Locale, string> = { it: 'it-IT', en: 'en-GB' };

/** How a date is introduced in a sentence: "on", "from", "since", "to" it. */
export type DateLink = 'on' | 'from' | 'since' | 'to';

// Italian joins the preposition to the date's article, and the article elides before a vowel: "dal
// 2 dicembre" but "dall'8 dicembre", "dall'11 dicembre"; the first of the month is "1°" ("dal 1°
// dicembre"). Messages therefore take the whole phrase ("Iscrizioni {from}"), built here, rather than
// "dal {date}", which would read "dal 11 dicembre".
const ITALIAN: Record<DateLink, readonly [plain: string, elided: string]> = {
  on: ['il ', "l'"],
  from: ['dal ', "dall'"],
  since: ['dal ', "dall'"],
  to: ['al ', "all'"],
};
const ENGLISH: Record<DateLink, string> = { on: 'on ', from: 'from ', since: 'since ', to: 'to ' };

/**
 * A formatted date (starting with its day, "11 dicembre 2026, 09:30") introduced as `link` asks:
 * "dall'11 dicembre 2026, 09:30", "il 1° dicembre"; in English "from 11 December 2026, 09:30".
 */
export function datePhrase(locale: Locale, link: DateLink, date: string): string {
  if (locale === 'en') return `${ENGLISH[link]}${date}`;
  const [plain, elided] = ITALIAN[link];
  const day = /^\d{1,2}(?=\D|$)/.exec(date)?.[0];
  if (day === undefined) return `${plain}${date}`;
  // Of the days of a month only "otto" and "undici" start with a vowel.
  const article = day === '8' || day === '11' ? elided : plain;
  return `${article}${day === '1' ? '1°' : day}${date.slice(day.length)}`;
}

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
    /** "dall'11 gennaio 2027" (or "il", "al"...: datePhrase) */
    dayPhrase: (link: DateLink, iso: string) => datePhrase(locale, link, shortDay.format(new Date(iso))),
    /** "l'11 gennaio 2027, 09:30" (or "dal", "al"...: datePhrase) */
    dateTimePhrase: (link: DateLink, iso: string) => datePhrase(locale, link, `${shortDay.format(new Date(iso))}, ${time.format(new Date(iso))}`),
  };
}

export type Dates = ReturnType<typeof build>;
