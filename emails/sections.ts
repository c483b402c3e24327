// Sections several mails share (the meetings, "my registration", the calendar, how to cancel), written
// once so a confirmation and a promotion can't drift apart.
import { webcalUrl, zoneNote } from './format.ts';
import { type Block, button, heading, linkLine, note, paragraph, sessionList } from './layout.ts';
import type { Locale, SessionInfo, Site } from './types.ts';

export function meetingsSection(sessions: SessionInfo[], locale: Locale, site: Site): Block[] {
  const title =
    sessions.length === 1
      ? locale === 'it'
        ? 'L’incontro'
        : 'The meeting'
      : locale === 'it'
        ? `Gli incontri (${sessions.length})`
        : `The meetings (${sessions.length})`;
  if (sessions.length === 0) {
    return [
      heading(title),
      paragraph(
        locale === 'it'
          ? 'Le date degli incontri saranno pubblicate a breve: ti scriveremo appena sono fissate.'
          : 'The dates of the meetings will be published shortly: we will write to you as soon as they are set.',
      ),
    ];
  }
  return [heading(title), sessionList(sessions, locale, site), note(zoneNote(locale, site.timezone))];
}

export function manageSection(manageUrl: string, locale: Locale): Block[] {
  return locale === 'it'
    ? [
        heading('La tua iscrizione'),
        paragraph('Dalla pagina «La mia iscrizione» puoi rivedere i dettagli, trovare i materiali dopo gli incontri e annullare l’iscrizione.'),
        button('La mia iscrizione', manageUrl),
        note('Il link è personale: non inoltrare questa email.'),
      ]
    : [
        heading('Your registration'),
        paragraph('From your “My registration” page you can review the details, find the materials after the meetings and cancel your registration.'),
        button('My registration', manageUrl),
        note('The link is personal: please do not forward this email.'),
      ];
}

export function calendarSection(calendarUrl: string, locale: Locale, attached: boolean): Block[] {
  const webcal = webcalUrl(calendarUrl);
  return locale === 'it'
    ? [
        heading('Nel tuo calendario'),
        ...(attached ? [paragraph('In allegato trovi gli incontri da aggiungere al calendario.')] : []),
        paragraph(
          'Per averli sempre aggiornati (anche se un incontro viene spostato o annullato), abbonati al tuo calendario personale: apri il primo link dal telefono o dal computer, oppure copia il secondo in Google Calendar («Altri calendari» › «Da URL») o in Outlook («Aggiungi calendario» › «Da Internet»).',
        ),
        linkLine('Abbonati al calendario:', webcal),
        linkLine('Indirizzo del calendario:', calendarUrl),
      ]
    : [
        heading('In your calendar'),
        ...(attached ? [paragraph('The meetings are attached to this email, ready to add to your calendar.')] : []),
        paragraph(
          'To keep them up to date (even when a meeting is moved or cancelled), subscribe to your personal calendar: open the first link on your phone or computer, or paste the second one into Google Calendar (“Other calendars” › “From URL”) or Outlook (“Add calendar” › “From Internet”).',
        ),
        linkLine('Subscribe to the calendar:', webcal),
        linkLine('Calendar address:', calendarUrl),
      ];
}

export function cancelSection(locale: Locale, hasWaitingList = true): Block[] {
  const seat = hasWaitingList
    ? locale === 'it'
      ? ' Il tuo posto passerà subito alla prima persona in lista d’attesa.'
      : ' Your seat will go at once to the first person on the waiting list.'
    : '';
  return locale === 'it'
    ? [heading('Se non puoi partecipare'), paragraph(`Annulla l’iscrizione dalla pagina «La mia iscrizione», con il pulsante «Annulla iscrizione».${seat}`)]
    : [heading('If you cannot attend'), paragraph(`Cancel your registration from your “My registration” page, with the “Cancel registration” button.${seat}`)];
}

export function greeting(firstName: string, locale: Locale): string {
  return locale === 'it' ? `Gentile ${firstName},` : `Dear ${firstName},`;
}

/** «Titolo» in Italian, “Title” in English. */
export function quoted(title: string, locale: Locale): string {
  return locale === 'it' ? `«${title}»` : `“${title}”`;
}
