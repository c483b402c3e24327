// Dates inside sentences of the mails: Italian elides "dal" before a day said with a vowel
// ("dall’11 dicembre"), and the day is the programme's, whatever the zone of the machine.
import { describe, expect, it } from 'vitest';
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
  it('elides the article before 1, 8 and 11, not before other days', () => {
    expect(linksMail(new Date('2026-12-11T09:30:00Z'), 'it')).toContain('(iscrizione confermata, dall’11 dicembre 2026)');
    expect(linksMail(new Date('2026-12-08T09:30:00Z'), 'it')).toContain('dall’8 dicembre 2026');
    expect(linksMail(new Date('2027-01-01T09:30:00Z'), 'it')).toContain('dall’1 gennaio 2027');
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
