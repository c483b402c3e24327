// Acknowledges a cancellation. When the person held a seat, the calendar attachment (METHOD:CANCEL)
// takes the meetings out of their calendar.
import { t } from '../../server/lib/i18n.ts';
import { heading, layout, linkLine, paragraph } from '../layout.ts';
import { greeting, quoted } from '../sections.ts';
import type { ContactInfo, CycleInfo, Locale, RenderedEmail, Site } from '../types.ts';

export interface Props {
  site: Site;
  /** The cycle's or the programme's contact; null when there is none. */
  contact: ContactInfo | null;
  firstName: string;
  cycle: CycleInfo;
  /** Whether the person held a seat (else they left the waiting list). */
  wasConfirmed: boolean;
  calendarAttached: boolean;
}

export function render(props: Props, locale: Locale): RenderedEmail {
  const { cycle, site } = props;
  const title = quoted(cycle.title, locale);
  const body = layout({
    locale,
    site,
    contact: props.contact,
    title: t(locale, 'email_cancelled_title'),
    preheader: t(locale, 'email_cancelled_preheader', { cycle: title }),
    greeting: greeting(props.firstName, locale),
    blocks: [
      paragraph(t(locale, props.wasConfirmed ? 'email_cancelled_confirmed' : 'email_cancelled_waitlisted', { cycle: title })),
      ...(props.calendarAttached ? [paragraph(t(locale, 'email_cancelled_calendar'))] : []),
      heading(t(locale, 'email_cancelled_again_heading')),
      paragraph(t(locale, 'email_cancelled_again_text')),
      linkLine(t(locale, 'email_cancelled_programme_page'), cycle.url),
      paragraph(t(locale, 'email_cancelled_thanks')),
    ],
    footer: 'participant',
  });
  return { subject: t(locale, 'email_cancelled_subject', { cycle: cycle.title }), ...body };
}
