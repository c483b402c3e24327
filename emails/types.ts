// The shapes templates receive. Plain data, already loaded and with absolute links: a template never
// reads the database, the clock or the configuration, so the same props always give the same mail.
export type Locale = 'it' | 'en';

/**
 * The person's private calendar feed and the ways to subscribe to it, as calendarLinks() of
 * server/lib/calendar.links.ts builds them (the same shape, written here because the
 * templates import no server module).
 */
export interface CalendarLinks {
  ics: string;
  webcal: string;
  google: string;
  outlook: string;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** Where the links point and which zone the times are shown in (config.publicUrl, config.timezone). */
export interface Site {
  publicUrl: string;
  timezone: string;
}

export interface CycleInfo {
  title: string;
  /** Absolute URL of the cycle's public page. */
  url: string;
}

export interface SessionInfo {
  title: string;
  startsAt: Date;
  endsAt: Date;
  location: string | null;
  /** The link to join: only in mails to a confirmed participant. */
  onlineUrl: string | null;
  /** The meeting can be joined online (said, without the link, to anyone else). */
  online: boolean;
  status: 'scheduled' | 'cancelled';
}

/** Whom the reader writes to with a question: shown in the footer (the message's Reply-To too). */
export interface ContactInfo {
  name: string;
  email: string;
  phone: string | null;
}

/**
 * The participant's check-in QR: the address it encodes (shown as text too, for clients that hide
 * images and for the text part) and the Content-ID of its PNG, which travels with the message as an
 * inline attachment (no remote image: blocked by default and a tracking vector).
 */
export interface CheckInQr {
  url: string;
  imageCid: string;
}

/** Every mail to one participant about one registration carries these. */
export interface PersonProps {
  site: Site;
  /** The cycle's contact (or the programme's); null when neither names one. */
  contact: ContactInfo | null;
  firstName: string;
  cycle: CycleInfo;
  /** The private "my registration" page (absolute, carries the secret token). */
  manageUrl: string;
}
