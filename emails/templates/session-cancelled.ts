// Sent when an organiser cancels a meeting. People with a seat get METHOD:CANCEL for that event; people
// on the waiting list are told too (the programme they wait for changed).
import { t } from '../../server/lib/i18n.ts';
import { button, layout, note, paragraph, sessionCard } from '../layout.ts';
import { greeting, quoted } from '../sections.ts';
import { zoneNote } from '../format.ts';
import type { Locale, PersonProps, RenderedEmail, SessionInfo } from '../types.ts';

export interface Props extends PersonProps {
  session: SessionInfo;
  /** The person is on the waiting list rather than holding a seat. */
  waitlisted: boolean;
  calendarAttached: boolean;
}

export function render(props: Props, locale: Locale): RenderedEmail {
  const { cycle, site, session } = props;
  const cancelled = { ...session, status: 'cancelled' as const };
  const body = layout({
    locale,
    site,
    contact: props.contact,
    title: t(locale, 'email_session_cancelled_title'),
    preheader: t(locale, 'email_session_cancelled_preheader', { session: session.title }),
    greeting: greeting(props.firstName, locale),
    blocks: [
      paragraph(t(locale, 'email_session_cancelled_intro', { cycle: quoted(cycle.title, locale) })),
      sessionCard(cancelled, locale, site),
      note(zoneNote(locale, site.timezone)),
      paragraph(t(locale, 'email_session_cancelled_others')),
      ...(props.calendarAttached ? [paragraph(t(locale, 'email_session_cancelled_calendar'))] : []),
      ...(props.waitlisted ? [paragraph(t(locale, 'email_session_cancelled_waitlisted'))] : []),
      button(t(locale, 'email_my_registration'), props.manageUrl),
    ],
    footer: 'participant',
  });
  return { subject: t(locale, 'email_session_cancelled_subject', { session: session.title, cycle: cycle.title }), ...body };
}
