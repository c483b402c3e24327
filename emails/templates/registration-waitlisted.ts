// Sent when a sign-up lands on the waiting list: the position, and what happens next (a freed seat goes
// to the first in line at once, and a mail says so).
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
  const it = locale === 'it';
  const subject = it ? `Sei in lista d’attesa (posizione ${position}): ${cycle.title}` : `You are on the waiting list (position ${position}): ${cycle.title}`;
  const where = it
    ? position === 1
      ? 'Sei la prima persona in lista: il prossimo posto che si libera sarà tuo.'
      : `Sei in posizione ${position}: prima di te ci sono ${position - 1} ${position - 1 === 1 ? 'persona' : 'persone'}.`
    : position === 1
      ? 'You are first in line: the next seat that frees up will be yours.'
      : `You are number ${position}: there ${position - 1 === 1 ? 'is 1 person' : `are ${position - 1} people`} ahead of you.`;
  const body = layout({
    locale,
    site,
    title: it ? 'Sei in lista d’attesa' : 'You are on the waiting list',
    preheader: it
      ? `${quoted(cycle.title, locale)} è al completo: sei in lista d’attesa, posizione ${position}.`
      : `${quoted(cycle.title, locale)} is full: you are on the waiting list, position ${position}.`,
    greeting: greeting(props.firstName, locale),
    blocks: [
      paragraph(
        it
          ? `grazie per l’interesse per il percorso ${quoted(cycle.title, locale)}. Al momento tutti i posti sono occupati e la tua richiesta è in lista d’attesa.`
          : `Thank you for your interest in ${quoted(cycle.title, locale)}. All seats are taken at the moment, so your request is on the waiting list.`,
      ),
      paragraph(where),
      heading(it ? 'Cosa succede adesso' : 'What happens next'),
      paragraph(
        it
          ? 'Se qualcuno annulla, il posto passa subito alla prima persona in lista, nell’ordine di arrivo delle richieste. Quando toccherà a te riceverai un’email di conferma con le date e il calendario: non serve fare altro.'
          : 'If someone cancels, their seat goes at once to the first person in line, in the order the requests arrived. When your turn comes you will get a confirmation email with the dates and the calendar: there is nothing else you need to do.',
      ),
      ...meetingsSection(props.sessions, locale, site),
      heading(it ? 'La tua richiesta' : 'Your request'),
      paragraph(
        it
          ? 'Dalla pagina «La mia iscrizione» puoi vedere la tua posizione aggiornata o ritirare la richiesta se non ti interessa più.'
          : 'From your “My registration” page you can see your current position or withdraw your request if you are no longer interested.',
      ),
      button(it ? 'La mia iscrizione' : 'My registration', props.manageUrl),
    ],
    footer: 'participant',
  });
  return { subject, ...body };
}
