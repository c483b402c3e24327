// Sent when a seat frees up and the first person on the waiting list gets it: "you are in", with
// everything the confirmation carries.
import { t } from '../../server/lib/i18n.ts';
import { layout, paragraph } from '../layout.ts';
import { calendarSection, cancelSection, checkInSection, greeting, manageSection, meetingsSection, quoted } from '../sections.ts';
import type { CalendarLinks, CheckInQr, Locale, PersonProps, RenderedEmail, SessionInfo } from '../types.ts';

export interface Props extends PersonProps {
  sessions: SessionInfo[];
  /** The private feed and the links to subscribe to it. */
  calendar: CalendarLinks;
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
    title: t(locale, 'email_promoted_title'),
    preheader: t(locale, 'email_promoted_preheader', { cycle: title }),
    greeting: greeting(props.firstName, locale),
    blocks: [
      paragraph(t(locale, 'email_promoted_intro', { cycle: title })),
      ...meetingsSection(props.sessions, locale, site),
      ...checkInSection(props.checkIn, locale),
      ...manageSection(props.manageUrl, locale),
      ...calendarSection(props.calendar, locale, props.calendarAttached),
      ...cancelSection(locale),
    ],
    footer: 'participant',
  });
  return { subject: t(locale, 'email_promoted_subject', { cycle: cycle.title }), ...body };
}
