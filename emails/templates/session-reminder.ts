// Sent before each meeting (REMINDER_OFFSETS, default two days and two hours before): which meeting,
// when, where or the online link, and the way to cancel if plans changed.
import { formatDayMonth, formatTime, zoneNote } from '../format.ts';
import { button, layout, note, paragraph, sessionCard } from '../layout.ts';
import { greeting, quoted } from '../sections.ts';
import type { Locale, PersonProps, RenderedEmail, SessionInfo } from '../types.ts';

export interface Props extends PersonProps {
  session: SessionInfo;
  /** "Incontro 2 di 5" when known. */
  index?: { number: number; of: number };
}

export function render(props: Props, locale: Locale): RenderedEmail {
  const { cycle, site, session } = props;
  const it = locale === 'it';
  const day = formatDayMonth(session.startsAt, locale, site.timezone);
  const time = formatTime(session.startsAt, locale, site.timezone);
  const subject = it ? `Promemoria: ${cycle.title}, ${day} alle ${time}` : `Reminder: ${cycle.title}, ${day} at ${time}`;
  const label = props.index ? (it ? `Incontro ${props.index.number} di ${props.index.of}` : `Meeting ${props.index.number} of ${props.index.of}`) : undefined;
  const online = session.onlineUrl
    ? [
        paragraph(
          it
            ? 'Per collegarti usa il link qui sopra qualche minuto prima dell’inizio, da computer o telefono.'
            : 'To join, use the link above a few minutes before the start, from a computer or phone.',
        ),
      ]
    : [];
  const body = layout({
    locale,
    site,
    title: it ? 'Ci vediamo presto' : 'See you soon',
    preheader: it ? `${session.title}: ${day}, ${time}.` : `${session.title}: ${day}, ${time}.`,
    greeting: greeting(props.firstName, locale),
    blocks: [
      paragraph(
        it
          ? `ti ricordiamo il prossimo incontro del percorso ${quoted(cycle.title, locale)}:`
          : `This is a reminder of the next meeting of ${quoted(cycle.title, locale)}:`,
      ),
      sessionCard(session, locale, site, { label }),
      note(zoneNote(locale, site.timezone)),
      ...online,
      paragraph(
        it
          ? 'Se non puoi più partecipare, annulla l’iscrizione dalla tua pagina: il posto andrà a chi è in lista d’attesa.'
          : 'If you can no longer attend, cancel your registration from your page: the seat will go to someone on the waiting list.',
      ),
      button(it ? 'La mia iscrizione' : 'My registration', props.manageUrl),
    ],
    footer: 'participant',
  });
  return { subject, ...body };
}
