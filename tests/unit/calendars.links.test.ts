import { describe, expect, it } from 'vitest';
import { calendarLinks, webcalUrl } from '../../server/modules/calendars/calendars.links.ts';

const FEED = 'https://officina.example.it/ical/registrations/AbC-12_xyz.ics';

describe('calendar links for a private feed', () => {
  it('webcal:// replaces the scheme only, for http and https', () => {
    expect(webcalUrl(FEED)).toBe('webcal://officina.example.it/ical/registrations/AbC-12_xyz.ics');
    expect(webcalUrl('http://localhost:3000/ical/x.ics')).toBe('webcal://localhost:3000/ical/x.ics');
  });

  it('Google Calendar gets the webcal:// address in cid, encoded', () => {
    const { google } = calendarLinks(FEED, 'Ciclo');
    const url = new URL(google);
    expect(`${url.origin}${url.pathname}`).toBe('https://calendar.google.com/calendar/r');
    expect(url.searchParams.get('cid')).toBe('webcal://officina.example.it/ical/registrations/AbC-12_xyz.ics');
    expect(google).toContain('cid=webcal%3A%2F%2Fofficina.example.it%2F');
  });

  it('Outlook.com gets the https address in url and the title in name, both encoded', () => {
    const title = 'Mediazione & "dialogo" #1 — Lab’Impact?';
    const { outlook } = calendarLinks(FEED, title);
    const url = new URL(outlook);
    expect(`${url.origin}${url.pathname}`).toBe('https://outlook.live.com/calendar/0/addfromweb');
    expect(url.searchParams.get('url')).toBe(FEED);
    expect(url.searchParams.get('name')).toBe(title);
    expect([...url.searchParams.keys()]).toEqual(['url', 'name']);
  });

  it('the .ics link is the feed as given', () => {
    const links = calendarLinks(FEED, 'x');
    expect(links.ics).toBe(FEED);
    expect(links.webcal).toBe(webcalUrl(FEED));
  });
});
