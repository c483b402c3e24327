// The answer to "send me my links": every registration of this address with its private link. Sent
// whatever the address asks from, so it says nothing a stranger could use without the mailbox.
import { formatDate } from '../format.ts';
import { bulletList, esc, inlineLink, layout, linkLine, paragraph, type Block } from '../layout.ts';
import type { Locale, RenderedEmail, Site } from '../types.ts';

export interface Props {
  site: Site;
  registrations: {
    cycleTitle: string;
    status: 'confirmed' | 'waitlisted';
    /** First meeting, when the cycle has one. */
    startsAt: Date | null;
    manageUrl: string;
  }[];
}

const STATUS = {
  it: { confirmed: 'iscrizione confermata', waitlisted: 'in lista d’attesa' },
  en: { confirmed: 'registration confirmed', waitlisted: 'on the waiting list' },
};

export function render(props: Props, locale: Locale): RenderedEmail {
  const { site } = props;
  const it = locale === 'it';
  const subject = it ? 'I link delle tue iscrizioni' : 'The links to your registrations';
  const items: Block[] = props.registrations.map((r) => {
    const from = r.startsAt ? (it ? `, dal ${formatDate(r.startsAt, locale, site.timezone)}` : `, from ${formatDate(r.startsAt, locale, site.timezone)}`) : '';
    const link = inlineLink(r.cycleTitle, r.manageUrl);
    const extra = ` (${STATUS[locale][r.status]}${from})`;
    return { html: `${link.html}${esc(extra)}`, text: `${r.cycleTitle}${extra}\n${r.manageUrl}` };
  });
  const blocks =
    items.length > 0
      ? [
          paragraph(
            it
              ? 'ecco i link personali alle tue iscrizioni attive. Da ciascuna pagina puoi rivedere i dettagli, aggiungere gli incontri al calendario o annullare.'
              : 'Here are the personal links to your active registrations. From each page you can review the details, add the meetings to your calendar or cancel.',
          ),
          bulletList(items),
          paragraph(it ? 'I link sono personali: non inoltrare questa email.' : 'The links are personal: please do not forward this email.'),
        ]
      : [
          paragraph(
            it
              ? 'a questo indirizzo non risultano iscrizioni attive. Puoi iscriverti a un percorso dal catalogo.'
              : 'There are no active registrations for this address. You can sign up for a programme from the catalogue.',
          ),
          linkLine(it ? 'Catalogo dei percorsi:' : 'Programme catalogue:', site.publicUrl),
        ];
  const body = layout({
    locale,
    site,
    title: subject,
    preheader: it ? 'I link per gestire le tue iscrizioni, come richiesto.' : 'The links to manage your registrations, as requested.',
    greeting: it ? 'Buongiorno,' : 'Hello,',
    blocks,
    footer: 'links',
  });
  return { subject, ...body };
}
