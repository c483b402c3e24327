// Sent when a sign-up gets a seat: the dates, the place or online link, the private "my registration"
// link, the calendar (attached, and the feed to subscribe to) and how to cancel.
import { layout, paragraph } from '../layout.ts';
import { calendarSection, cancelSection, greeting, manageSection, meetingsSection, quoted } from '../sections.ts';
import type { Locale, PersonProps, RenderedEmail, SessionInfo } from '../types.ts';

export interface Props extends PersonProps {
  sessions: SessionInfo[];
  calendarUrl: string;
  /** True when the meetings travel as a calendar attachment with this mail. */
  calendarAttached: boolean;
}

export function render(props: Props, locale: Locale): RenderedEmail {
  const { cycle, site } = props;
  const it = locale === 'it';
  const subject = it ? `Iscrizione confermata: ${cycle.title}` : `Registration confirmed: ${cycle.title}`;
  const body = layout({
    locale,
    site,
    title: it ? 'La tua iscrizione è confermata' : 'Your registration is confirmed',
    preheader: it
      ? `Hai un posto per ${quoted(cycle.title, locale)}: qui trovi date, luogo e il link per gestire l’iscrizione.`
      : `You have a seat for ${quoted(cycle.title, locale)}: dates, place and the link to manage your registration.`,
    greeting: greeting(props.firstName, locale),
    blocks: [
      paragraph(
        it
          ? `la tua iscrizione al percorso ${quoted(cycle.title, locale)} è confermata: il posto è tuo. Ti aspettiamo!`
          : `Your registration for ${quoted(cycle.title, locale)} is confirmed: the seat is yours. We look forward to seeing you!`,
      ),
      ...meetingsSection(props.sessions, locale, site),
      ...manageSection(props.manageUrl, locale),
      ...calendarSection(props.calendarUrl, locale, props.calendarAttached),
      ...cancelSection(locale),
    ],
    footer: 'participant',
  });
  return { subject, ...body };
}
