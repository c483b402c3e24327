// Turns the demo programme's relative dates ("second working week from now, Tuesday, 09:30") into
// instants. All arithmetic is on Europe/Rome calendar days through TZDate, so 09:30 stays 09:30 in Rome
// on both sides of a daylight-saving change and whatever the TZ of the process.
import { TZDate } from '@date-fns/tz';

export const DEMO_ZONE = 'Europe/Rome';

export interface Day {
  y: number;
  /** 0 = January, as in Date. */
  m: number;
  d: number;
}

const noon = (y: number, m: number, d: number) => new TZDate(y, m, d, 12, 0, DEMO_ZONE);
const toDay = (t: TZDate): Day => ({ y: t.getFullYear(), m: t.getMonth(), d: t.getDate() });

export function romeDay(instant: Date): Day {
  return toDay(new TZDate(instant.getTime(), DEMO_ZONE));
}

export function addDays(day: Day, n: number): Day {
  return toDay(noon(day.y, day.m, day.d + n));
}

/** 0 = Sunday ... 6 = Saturday. */
export function weekdayOf(day: Day): number {
  return noon(day.y, day.m, day.d).getDay();
}

/** The instant of a Rome wall-clock time ("14:30") on a Rome calendar day. */
export function at(day: Day, time: string): Date {
  const [h, min] = time.split(':').map(Number);
  return new Date(new TZDate(day.y, day.m, day.d, h!, min!, DEMO_ZONE).getTime());
}

function easterSunday(y: number): Day {
  // Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
  const a = y % 19;
  const b = Math.floor(y / 100);
  const c = y % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  return { y, m: month - 1, d: ((h + l - 7 * m + 114) % 31) + 1 };
}

// National holidays that can fall in a working week (August and Christmas weeks are skipped whole).
const FIXED_HOLIDAYS = new Set(['0-1', '0-6', '3-25', '4-1', '5-2', '7-15', '10-1', '11-8', '11-25', '11-26']);

export function isHoliday(day: Day): boolean {
  if (FIXED_HOLIDAYS.has(`${day.m}-${day.d}`)) return true;
  const easterMonday = addDays(easterSunday(day.y), 1);
  return easterMonday.m === day.m && easterMonday.d === day.d;
}

/** Public training pauses in August and over Christmas, as the real programme did. */
function isClosedWeek(monday: Day): boolean {
  const wed = addDays(monday, 2);
  return monday.m === 7 || addDays(monday, 4).m === 7 || (wed.m === 11 && wed.d >= 21) || (wed.m === 0 && wed.d <= 7);
}

/**
 * The Monday of the `week`-th working week after (week > 0) or before (week < 0) the one containing
 * `today`. Week 1 starts after today, week -1 ends before it, so future and past never touch today.
 */
export function workingWeekMonday(today: Day, week: number): Day {
  if (!Number.isInteger(week) || week === 0) throw new Error(`demo programme: week must be a non-zero integer, got ${week}`);
  let monday = addDays(today, -((weekdayOf(today) + 6) % 7));
  const step = week > 0 ? 7 : -7;
  for (let left = Math.abs(week); left > 0;) {
    monday = addDays(monday, step);
    if (!isClosedWeek(monday)) left -= 1;
  }
  return monday;
}

/** The given weekday (1 = Monday) of that week, moved to the nearest working day of the same week if it is a holiday. */
export function meetingDay(monday: Day, weekday: number): Day {
  for (const shift of [0, 1, -1, 2, -2, 3, -3, 4, -4]) {
    const wd = weekday + shift;
    if (wd < 1 || wd > 5) continue;
    const day = addDays(monday, wd - 1);
    if (!isHoliday(day)) return day;
  }
  throw new Error('demo programme: a whole week of holidays');
}

/** The day itself if it is a working day, else the last working day before it (sign-ups open on a weekday). */
export function workingDayOnOrBefore(day: Day): Day {
  let d = day;
  while (weekdayOf(d) === 0 || weekdayOf(d) === 6 || isHoliday(d)) d = addDays(d, -1);
  return d;
}
