// Acknowledges a cancellation. When the person held a seat, the calendar attachment (METHOD:CANCEL)
// takes the meetings out of their calendar.
import { heading, layout, linkLine, paragraph } from '../layout.ts';
import { greeting, quoted } from '../sections.ts';
import type { CycleInfo, Locale, RenderedEmail, Site } from '../types.ts';

export interface Props {
  site: Site;
  firstName: string;
  cycle: CycleInfo;
  /** Whether the person held a seat (else they left the waiting list). */
  wasConfirmed: boolean;
  calendarAttached: boolean;
}

export function render(props: Props, locale: Locale): RenderedEmail {
  const { cycle, site } = props;
  const it = locale === 'it';
  const subject = it ? `Iscrizione annullata: ${cycle.title}` : `Registration cancelled: ${cycle.title}`;
  const what = props.wasConfirmed
    ? it
      ? `abbiamo annullato la tua iscrizione al percorso ${quoted(cycle.title, locale)}, come hai chiesto. Il tuo posto è passato a chi era in lista d’attesa.`
      : `We have cancelled your registration for ${quoted(cycle.title, locale)}, as you asked. Your seat has gone to the next person on the waiting list.`
    : it
      ? `abbiamo ritirato la tua richiesta dalla lista d’attesa del percorso ${quoted(cycle.title, locale)}, come hai chiesto.`
      : `We have withdrawn your request from the waiting list of ${quoted(cycle.title, locale)}, as you asked.`;
  const calendar = props.calendarAttached
    ? [
        paragraph(
          it
            ? 'L’allegato toglie gli incontri dal tuo calendario; se avevi attivato l’abbonamento al calendario personale, lì compariranno come annullati.'
            : 'The attachment removes the meetings from your calendar; if you subscribed to your personal calendar, they will show there as cancelled.',
        ),
      ]
    : [];
  const body = layout({
    locale,
    site,
    title: it ? 'Iscrizione annullata' : 'Registration cancelled',
    preheader: it ? `Confermiamo l’annullamento per ${quoted(cycle.title, locale)}.` : `We confirm the cancellation for ${quoted(cycle.title, locale)}.`,
    greeting: greeting(props.firstName, locale),
    blocks: [
      paragraph(what),
      ...calendar,
      heading(it ? 'Se ci ripensi' : 'If you change your mind'),
      paragraph(
        it
          ? 'Puoi iscriverti di nuovo dalla pagina del percorso, se ci sono ancora posti o la lista d’attesa è aperta.'
          : 'You can sign up again from the programme page, if seats are left or the waiting list is open.',
      ),
      linkLine(it ? 'Pagina del percorso:' : 'Programme page:', cycle.url),
      paragraph(it ? 'Grazie per averci avvisato: così il posto non resta vuoto.' : 'Thank you for letting us know: this way the seat does not stay empty.'),
    ],
    footer: 'participant',
  });
  return { subject, ...body };
}
