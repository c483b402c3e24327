import { describe, expect, it } from 'vitest';
import { datePhrase, dates } from '../../web/src/lib/format.ts';

describe('dates in a sentence (web/src/lib/format.ts)', () => {
  it('elide the Italian article before the days that start with a vowel', () => {
    expect(datePhrase('it', 'from', '11 dicembre 2026')).toBe("dall'11 dicembre 2026");
    expect(datePhrase('it', 'from', '8 gennaio')).toBe("dall'8 gennaio");
    expect(datePhrase('it', 'on', '11 dicembre 2026, 09:30')).toBe("l'11 dicembre 2026, 09:30");
    expect(datePhrase('it', 'to', '8 marzo')).toBe("all'8 marzo");
  });

  it('keep the plain article for the other days, and write the first of the month 1°', () => {
    expect(datePhrase('it', 'from', '1 dicembre 2026')).toBe('dal 1° dicembre 2026');
    expect(datePhrase('it', 'from', '2 dicembre 2026')).toBe('dal 2 dicembre 2026');
    expect(datePhrase('it', 'on', '18 dicembre')).toBe('il 18 dicembre');
    expect(datePhrase('it', 'to', '31 gennaio')).toBe('al 31 gennaio');
  });

  it('put the English words before the date as they are', () => {
    expect(datePhrase('en', 'from', '11 December 2026')).toBe('from 11 December 2026');
    expect(datePhrase('en', 'on', '1 December 2026')).toBe('on 1 December 2026');
  });

  it('format real dates in the programme time zone with the phrase', () => {
    const it_ = dates('it', 'Europe/Rome');
    // 23:30 UTC on the 10th is already the 11th in Rome.
    expect(it_.dayPhrase('from', '2026-12-10T23:30:00Z')).toBe("dall'11 dicembre 2026");
    expect(it_.dayPhrase('from', '2026-12-01T09:00:00Z')).toBe('dal 1° dicembre 2026');
    expect(it_.dateTimePhrase('on', '2027-01-08T08:30:00Z')).toBe("l'8 gennaio 2027, 09:30");
    expect(dates('en', 'Europe/Rome').dayPhrase('from', '2026-12-10T23:30:00Z')).toBe('from 11 December 2026');
  });
});
