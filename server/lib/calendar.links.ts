// The links that put a calendar feed into a person's calendar app, built in one place for the API (a
// cycle's detail, "my registration") and the emails. Every link subscribes to the feed rather than
// importing a copy: a subscribed feed shows a moved or cancelled meeting by itself, which a one-off
// import never does. No imports, like site.urls.ts: the server, the mail templates and the pages can
// all use it.
//
// What the calendar services accept (neither documents these addresses; they are the ones their own
// "add calendar" pages and other sites use):
// - Google Calendar subscribes with calendar/r?cid=<feed>, and only to a webcal:// address: it answers
//   an https:// one with "this email address isn't associated with an active Google Calendar account".
// - Outlook.com subscribes with calendar/0/addfromweb?url=<https feed>&name=<calendar name>.
// - Apple Calendar, Thunderbird and Outlook on a desktop open webcal:// as a subscription.

/** Everything a page or an email offers for one feed. */
export interface CalendarLinks {
  /** The feed's https address, to paste into "subscribe from the web" (and what the others point at). */
  ics: string;
  /** The same feed as a one-off .ics file download. */
  download: string;
  /** The feed as webcal://: calendar apps of the device open it as a subscription. */
  webcal: string;
  /** Subscribes in Google Calendar. */
  google: string;
  /** Subscribes in Outlook.com (and Microsoft 365 on the web, which follows the same page). */
  outlook: string;
}

/** The public feed of one cycle; English readers get the English descriptions (?lang=en). */
export function cycleFeedUrl(publicUrl: string, slug: string, locale: 'it' | 'en'): string {
  return `${publicUrl}/ical/cycles/${encodeURIComponent(slug)}.ics${locale === 'en' ? '?lang=en' : ''}`;
}

/** The feed's address as webcal://, for "subscribe" links. */
export function webcalOf(feedUrl: string): string {
  return feedUrl.replace(/^https?:\/\//, 'webcal://');
}

/** A query parameter added to an address that may already have a query. */
function withParam(url: string, name: string, value: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}${name}=${value}`;
}

/**
 * The links for the feed at `feedUrl` (http or https), which calendar apps will list as `name`.
 */
export function calendarLinks(feedUrl: string, name: string): CalendarLinks {
  const webcal = webcalOf(feedUrl);
  return {
    ics: feedUrl,
    download: withParam(feedUrl, 'download', '1'),
    webcal,
    google: `https://calendar.google.com/calendar/r?cid=${encodeURIComponent(webcal)}`,
    outlook: `https://outlook.live.com/calendar/0/addfromweb?url=${encodeURIComponent(feedUrl)}&name=${encodeURIComponent(name)}`,
  };
}
