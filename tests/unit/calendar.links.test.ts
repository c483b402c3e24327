import { describe, expect, it } from 'vitest';
import { calendarLinks, cycleFeedUrl, webcalOf } from '../../server/lib/calendar.links.ts';

const FEED = 'https://corsi.example.it/ical/cycles/mediazione-interculturale.ics';

describe('calendar links', () => {
  it('subscribe Google Calendar to the webcal:// address of the feed', () => {
    const { google } = calendarLinks(FEED, 'Mediazione — Officina');
    const url = new URL(google);
    expect(`${url.origin}${url.pathname}`).toBe('https://calendar.google.com/calendar/r');
    expect(url.searchParams.get('cid')).toBe('webcal://corsi.example.it/ical/cycles/mediazione-interculturale.ics');
    // Encoded whole: the feed's own query must not become Google's.
    expect(google).toContain('cid=webcal%3A%2F%2Fcorsi.example.it%2Fical%2Fcycles%2Fmediazione-interculturale.ics');
  });

  it('subscribe Outlook.com to the https address of the feed, with its name', () => {
    const url = new URL(calendarLinks(FEED, 'Mediazione & co. — Officina').outlook);
    expect(`${url.origin}${url.pathname}`).toBe('https://outlook.live.com/calendar/0/addfromweb');
    expect(url.searchParams.get('url')).toBe(FEED);
    expect(url.searchParams.get('name')).toBe('Mediazione & co. — Officina');
  });

  it('keep the query of a feed (an English feed) inside the Google and Outlook parameters', () => {
    const feed = cycleFeedUrl('https://corsi.example.it', 'co-progettazione', 'en');
    expect(feed).toBe('https://corsi.example.it/ical/cycles/co-progettazione.ics?lang=en');
    const links = calendarLinks(feed, 'Co-design — Officina');
    expect(new URL(links.google).searchParams.get('cid')).toBe('webcal://corsi.example.it/ical/cycles/co-progettazione.ics?lang=en');
    expect(new URL(links.outlook).searchParams.get('url')).toBe(feed);
    expect(links.download).toBe(`${feed}&download=1`);
    expect(links.webcal).toBe('webcal://corsi.example.it/ical/cycles/co-progettazione.ics?lang=en');
  });

  it('give the feed itself, a download and webcal:// for http and https addresses', () => {
    const links = calendarLinks('http://127.0.0.1:3000/ical/registrations/abc.ics', 'x');
    expect(links.ics).toBe('http://127.0.0.1:3000/ical/registrations/abc.ics');
    expect(links.download).toBe('http://127.0.0.1:3000/ical/registrations/abc.ics?download=1');
    expect(links.webcal).toBe('webcal://127.0.0.1:3000/ical/registrations/abc.ics');
    expect(webcalOf(FEED)).toBe('webcal://corsi.example.it/ical/cycles/mediazione-interculturale.ics');
  });

  it('address the Italian feed of a cycle without a language and encode its slug', () => {
    expect(cycleFeedUrl('https://corsi.example.it', 'a b', 'it')).toBe('https://corsi.example.it/ical/cycles/a%20b.ics');
  });
});
