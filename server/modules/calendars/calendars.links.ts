// The ways to put a private calendar feed into a person's calendar, each one tap: the webcal:// address
// (the phone's or the computer's calendar app offers to subscribe), Google Calendar's and Outlook.com's
// "add by URL" pages, and the plain .ics address to copy anywhere else. Emails show them as buttons; the
// pages can show the same ones. Subscribing (not importing a file) is what keeps a moved or cancelled
// meeting up to date in the person's calendar.
// No imports: the pages can import this file the way they import server/lib/site.urls.ts.

export interface CalendarLinks {
  /** The feed itself (https in production): a download, and what other calendar apps are given. */
  ics: string;
  /** The same feed as webcal://: opening it asks the calendar app to subscribe. */
  webcal: string;
  /** Google Calendar's subscribe page for the feed. */
  google: string;
  /** Outlook.com's "add calendar from the web" page, with the calendar's name filled in. */
  outlook: string;
}

/** webcal:// form of an http(s) calendar address: calendar apps offer to subscribe when it is opened. */
export function webcalUrl(httpUrl: string): string {
  return httpUrl.replace(/^https?:\/\//i, 'webcal://');
}

/**
 * The four links for one feed. Google's subscribe page takes the feed's webcal:// address in `cid`;
 * Outlook.com takes the http(s) address in `url` and the name it shows for the calendar in `name`.
 * Both values are encoded: the feed's token and the cycle's title must reach them unchanged.
 */
export function calendarLinks(feedUrl: string, name: string): CalendarLinks {
  const webcal = webcalUrl(feedUrl);
  const q = encodeURIComponent;
  return {
    ics: feedUrl,
    webcal,
    google: `https://calendar.google.com/calendar/r?cid=${q(webcal)}`,
    outlook: `https://outlook.live.com/calendar/0/addfromweb?url=${q(feedUrl)}&name=${q(name)}`,
  };
}
