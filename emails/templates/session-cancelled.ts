// Sent when an organiser cancels a meeting. People with a seat get METHOD:CANCEL for that event; people
// on the waiting list are told too (the programme they wait for changed).
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
  const it = locale === 'it';
  const subject = it ? `Incontro annullato: ${session.title} (${cycle.title})` : `Meeting cancelled: ${session.title} (${cycle.title})`;
  const cancelled = { ...session, status: 'cancelled' as const };
  const body = layout({
    locale,
    site,
    title: it ? 'Un incontro è stato annullato' : 'A meeting has been cancelled',
    preheader: it ? `${session.title} non si terrà.` : `${session.title} will not take place.`,
    greeting: greeting(props.firstName, locale),
    blocks: [
      paragraph(
        it
          ? `ti informiamo che gli organizzatori del percorso ${quoted(cycle.title, locale)} hanno annullato questo incontro:`
          : `We are sorry to let you know that the organisers of ${quoted(cycle.title, locale)} have cancelled this meeting:`,
      ),
      sessionCard(cancelled, locale, site),
      note(zoneNote(locale, site.timezone)),
      paragraph(
        it
          ? 'Gli altri incontri restano confermati, salvo diversa comunicazione. Se l’incontro verrà recuperato in un’altra data, te lo scriveremo.'
          : 'The other meetings stay as planned unless we tell you otherwise. If the meeting is rescheduled, we will write to you.',
      ),
      ...(props.calendarAttached
        ? [paragraph(it ? 'L’allegato segna l’evento come annullato nel tuo calendario.' : 'The attachment marks the event as cancelled in your calendar.')]
        : []),
      ...(props.waitlisted
        ? [
            paragraph(
              it
                ? 'Sei ancora in lista d’attesa per il percorso: se si libera un posto riceverai un’email.'
                : 'You are still on the waiting list for the programme: if a seat frees up you will get an email.',
            ),
          ]
        : []),
      button(it ? 'La mia iscrizione' : 'My registration', props.manageUrl),
    ],
    footer: 'participant',
  });
  return { subject, ...body };
}
