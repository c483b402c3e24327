// Sent when a seat frees up and the first person on the waiting list gets it: "you are in", with
// everything the confirmation carries.
import { layout, paragraph } from '../layout.ts';
import { calendarSection, cancelSection, greeting, manageSection, meetingsSection, quoted } from '../sections.ts';
import type { Locale, PersonProps, RenderedEmail, SessionInfo } from '../types.ts';

export interface Props extends PersonProps {
  sessions: SessionInfo[];
  calendarUrl: string;
  calendarAttached: boolean;
}

export function render(props: Props, locale: Locale): RenderedEmail {
  const { cycle, site } = props;
  const it = locale === 'it';
  const subject = it ? `Si è liberato un posto: iscrizione confermata a ${cycle.title}` : `A seat is free: you are in for ${cycle.title}`;
  const body = layout({
    locale,
    site,
    title: it ? 'Si è liberato un posto: sei dentro!' : 'A seat has freed up: you are in!',
    preheader: it
      ? `Dalla lista d’attesa al posto confermato per ${quoted(cycle.title, locale)}.`
      : `From the waiting list to a confirmed seat for ${quoted(cycle.title, locale)}.`,
    greeting: greeting(props.firstName, locale),
    blocks: [
      paragraph(
        it
          ? `buone notizie: si è liberato un posto nel percorso ${quoted(cycle.title, locale)} e, essendo la prima persona in lista d’attesa, ora la tua iscrizione è confermata. Non devi fare nulla.`
          : `Good news: a seat has freed up in ${quoted(cycle.title, locale)} and, as you were first on the waiting list, your registration is now confirmed. There is nothing you need to do.`,
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
