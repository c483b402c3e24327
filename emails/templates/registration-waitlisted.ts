// Sent when a sign-up lands on the waiting list: the position, and what happens next (a freed seat goes
// to the first in line at once, and a mail says so).
import { msg, t } from '../../server/lib/i18n.ts';
import { button, heading, layout, paragraph } from '../layout.ts';
import { greeting, meetingsSection, quoted } from '../sections.ts';
import type { Locale, PersonProps, RenderedEmail, SessionInfo } from '../types.ts';

export interface Props extends PersonProps {
  /** 1 for the next in line. */
  position: number;
  sessions: SessionInfo[];
}

export function render(props: Props, locale: Locale): RenderedEmail {
  const { cycle, site, position } = props;
  const title = quoted(cycle.title, locale);
  const where =
    position === 1
      ? t(locale, 'email_waitlisted_first')
      : t(locale, 'email_waitlisted_position', { position, ahead: msg('email_waitlisted_ahead', { count: position - 1 }) });
  const body = layout({
    locale,
    site,
    contact: props.contact,
    title: t(locale, 'email_waitlisted_title'),
    preheader: t(locale, 'email_waitlisted_preheader', { cycle: title, position }),
    greeting: greeting(props.firstName, locale),
    blocks: [
      paragraph(t(locale, 'email_waitlisted_intro', { cycle: title })),
      paragraph(where),
      heading(t(locale, 'email_waitlisted_next_heading')),
      paragraph(t(locale, 'email_waitlisted_next_text')),
      ...meetingsSection(props.sessions, locale, site),
      heading(t(locale, 'email_waitlisted_request_heading')),
      paragraph(t(locale, 'email_waitlisted_request_text')),
      button(t(locale, 'email_my_registration'), props.manageUrl),
    ],
    footer: 'participant',
  });
  return { subject: t(locale, 'email_waitlisted_subject', { position, cycle: cycle.title }), ...body };
}
