// The answer to "send me a link to all my data": one link, valid for a short time, to the page where the
// person downloads everything held about the address or erases it. Sent only to the address itself,
// which is what makes the link safe: a manage token proves nothing about the address (anyone can sign up
// with any address), the mailbox does.
import { formatTime } from '../format.ts';
import { button, layout, note, paragraph } from '../layout.ts';
import type { Locale, RenderedEmail, Site } from '../types.ts';

export interface Props {
  site: Site;
  /** The one-time link (absolute). */
  url: string;
  /** When the link stops working. */
  expiresAt: Date;
}

export function render(props: Props, locale: Locale): RenderedEmail {
  const { site } = props;
  const it = locale === 'it';
  const subject = it ? 'Il link ai tuoi dati personali' : 'The link to your personal data';
  const until = formatTime(props.expiresAt, locale, site.timezone);
  const body = layout({
    locale,
    site,
    title: subject,
    preheader: it ? 'Scarica o cancella i dati legati al tuo indirizzo, come richiesto.' : 'Download or erase the data linked to your address, as requested.',
    greeting: it ? 'Buongiorno,' : 'Hello,',
    blocks: [
      paragraph(
        it
          ? 'ecco il link che hai chiesto. Dalla pagina puoi scaricare in un file tutti i dati che conserviamo legati a questo indirizzo, in ogni ciclo, oppure cancellarli tutti.'
          : 'Here is the link you asked for. From its page you can download in one file all the data we hold linked to this address, in every cycle, or erase them all.',
      ),
      button(it ? 'Apri la pagina dei tuoi dati' : 'Open the page of your data', props.url),
      paragraph(
        it
          ? `Il link funziona per un’ora, fino alle ${until}, e smette di funzionare dopo una cancellazione. Poi puoi chiederne uno nuovo.`
          : `The link works for one hour, until ${until}, and stops working after an erasure. After that you can ask for a new one.`,
      ),
      note(it ? 'Il link è personale: non inoltrare questa email.' : 'The link is personal: please do not forward this email.'),
    ],
    footer: 'personal-data',
  });
  return { subject, ...body };
}
