// Sections several mails share (the meetings, "my registration", the calendar, how to cancel), written
// once so a confirmation and a promotion can't drift apart.
import { t } from '../server/lib/i18n.ts';
import { zoneNote } from './format.ts';
import { type Block, button, buttons, heading, inlineImage, linkLine, note, paragraph, sessionList } from './layout.ts';
import type { CalendarLinks, CheckInQr, Locale, SessionInfo, Site } from './types.ts';

export function meetingsSection(sessions: SessionInfo[], locale: Locale, site: Site): Block[] {
  const title = t(locale, 'email_meetings_heading', { count: sessions.length });
  if (sessions.length === 0) return [heading(title), paragraph(t(locale, 'email_meetings_none'))];
  return [heading(title), sessionList(sessions, locale, site), note(zoneNote(locale, site.timezone))];
}

export function manageSection(manageUrl: string, locale: Locale): Block[] {
  return [
    heading(t(locale, 'email_manage_heading')),
    paragraph(t(locale, 'email_manage_text')),
    button(t(locale, 'email_my_registration'), manageUrl),
    note(t(locale, 'email_link_personal')),
  ];
}

/** The QR to show at the entrance; its address opens the same explanation on a phone. */
export function checkInSection(qr: CheckInQr, locale: Locale): Block[] {
  return [
    heading(t(locale, 'email_checkin_heading')),
    paragraph(t(locale, 'email_checkin_text')),
    inlineImage(qr.imageCid, t(locale, 'email_checkin_alt'), 180, t(locale, 'email_checkin_address'), qr.url),
  ];
}

/**
 * The person's private feed, to subscribe to in one tap: the calendar app of the device (webcal://),
 * Google Calendar, Outlook.com, and the plain address for any other app.
 */
export function calendarSection(calendar: CalendarLinks, locale: Locale, attached: boolean): Block[] {
  return [
    heading(t(locale, 'email_calendar_heading')),
    ...(attached ? [paragraph(t(locale, 'email_calendar_attached'))] : []),
    paragraph(t(locale, 'email_calendar_subscribe_text')),
    buttons([
      { label: t(locale, 'email_calendar_add'), url: calendar.webcal },
      { label: t(locale, 'email_calendar_google'), url: calendar.google },
      { label: t(locale, 'email_calendar_outlook'), url: calendar.outlook },
    ]),
    linkLine(t(locale, 'email_calendar_ics'), calendar.ics),
  ];
}

export function cancelSection(locale: Locale, hasWaitingList = true): Block[] {
  return [heading(t(locale, 'email_cancel_heading')), paragraph(t(locale, hasWaitingList ? 'email_cancel_text_waiting_list' : 'email_cancel_text'))];
}

export function greeting(firstName: string, locale: Locale): string {
  return t(locale, 'email_greeting', { name: firstName });
}

/** «Titolo» in Italian, “Title” in English. */
export function quoted(title: string, locale: Locale): string {
  return t(locale, 'quoted_title', { title });
}
