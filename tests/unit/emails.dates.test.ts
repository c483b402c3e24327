// Dates inside sentences of the mails: Italian elides "dal" before a day said with a vowel
// ("dall’11 dicembre"), and the day is the programme's, whatever the zone of the machine.
import { describe, expect, it } from 'vitest';
import { datePhrase } from '../../emails/format.ts';
import { renderEmail } from '../../emails/index.ts';

const site = { publicUrl: 'https://officina.example.it', timezone: 'Europe/Rome' };
const linksMail = (startsAt: Date, locale: 'it' | 'en') =>
  renderEmail(
    'manage-links',
    {
      site,
      contact: null,
      registrations: [{ cycleTitle: 'Welfare di comunità', status: 'confirmed', startsAt, manageUrl: `${site.publicUrl}/iscrizione/x` }],
    },
    locale,
  ).text;

describe('"from <date>" in the mail with the links', () => {
  it('elides the article before 8 and 11, writes the first of the month 1°, not elided', () => {
    expect(linksMail(new Date('2026-12-11T09:30:00Z'), 'it')).toContain('(iscrizione confermata, dall’11 dicembre 2026)');
    expect(linksMail(new Date('2026-12-08T09:30:00Z'), 'it')).toContain('dall’8 dicembre 2026');
    expect(linksMail(new Date('2027-01-01T09:30:00Z'), 'it')).toContain('dal 1° gennaio 2027');
    expect(linksMail(new Date('2026-12-03T09:30:00Z'), 'it')).toContain('(iscrizione confermata, dal 3 dicembre 2026)');
    expect(linksMail(new Date('2026-12-18T09:30:00Z'), 'it')).toContain('dal 18 dicembre 2026');
  });

  it('takes the day in the programme’s zone: 23:30 UTC on the 10th is the 11th in Rome', () => {
    expect(linksMail(new Date('2026-12-10T23:30:00Z'), 'it')).toContain('dall’11 dicembre 2026');
  });

  it('says "from" in English', () => {
    expect(linksMail(new Date('2026-12-11T09:30:00Z'), 'en')).toContain('(registration confirmed, from 11 December 2026)');
  });
});

describe('datePhrase (the certificate says its dates this way too)', () => {
  const rome = 'Europe/Rome';
  it('joins "al" and "il" to the date as Italian does', () => {
    expect(datePhrase(new Date('2026-04-08T10:00:00Z'), 'to', 'it', rome)).toBe('all’8 aprile 2026');
    expect(datePhrase(new Date('2026-04-11T10:00:00Z'), 'on', 'it', rome)).toBe('l’11 aprile 2026');
    expect(datePhrase(new Date('2026-04-01T10:00:00Z'), 'on', 'it', rome)).toBe('il 1° aprile 2026');
    expect(datePhrase(new Date('2026-04-15T10:00:00Z'), 'to', 'it', rome)).toBe('al 15 aprile 2026');
    expect(datePhrase(new Date('2026-04-15T10:00:00Z'), 'on', 'en', rome)).toBe('on 15 April 2026');
  });
});
