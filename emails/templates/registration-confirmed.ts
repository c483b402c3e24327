// Sent when a sign-up gets a seat: the dates, the place or online link, the private "my registration"
// link, the calendar (attached, and the feed to subscribe to) and how to cancel.
import { t } from '../../server/lib/i18n.ts';
import { layout, paragraph } from '../layout.ts';
import { calendarSection, cancelSection, checkInSection, greeting, manageSection, meetingsSection, quoted } from '../sections.ts';
import type { CalendarLinks, CheckInQr, Locale, PersonProps, RenderedEmail, SessionInfo } from '../types.ts';

export interface Props extends PersonProps {
  sessions: SessionInfo[];
  /** The private feed and the links to subscribe to it. */
  calendar: CalendarLinks;
  /** True when the meetings travel as a calendar attachment with this mail. */
  calendarAttached: boolean;
  /** The check-in QR, attached inline. */
  checkIn: CheckInQr;
}

export function render(props: Props, locale: Locale): RenderedEmail {
  const { cycle, site } = props;
  const title = quoted(cycle.title, locale);
  const body = layout({
    locale,
    site,
    contact: props.contact,
    title: t(locale, 'email_confirmed_title'),
    preheader: t(locale, 'email_confirmed_preheader', { cycle: title }),
    greeting: greeting(props.firstName, locale),
    blocks: [
      paragraph(t(locale, 'email_confirmed_intro', { cycle: title })),
      ...meetingsSection(props.sessions, locale, site),
      ...checkInSection(props.checkIn, locale),
      ...manageSection(props.manageUrl, locale),
      ...calendarSection(props.calendar, locale, props.calendarAttached),
      ...cancelSection(locale),
    ],
    footer: 'participant',
  });
  return { subject: t(locale, 'email_confirmed_subject', { cycle: cycle.title }), ...body };
}
