// Sent when a certificate of attendance is issued (at the end of the cycle, to each participant who
// reached the threshold): the PDF's private address and the public page where anyone can verify it.
import { button, layout, linkLine, note, paragraph } from '../layout.ts';
import { greeting, quoted } from '../sections.ts';
import type { Locale, PersonProps, RenderedEmail } from '../types.ts';

export interface Props extends PersonProps {
  certificate: {
    code: string;
    /** The PDF (carries the private token). */
    downloadUrl: string;
    /** The public verification page (/verifica/<code>). */
    verifyUrl: string;
    attendedSessions: number;
    heldSessions: number;
    hours: number;
  };
}

export function render(props: Props, locale: Locale): RenderedEmail {
  const { cycle, site, certificate: c } = props;
  const it = locale === 'it';
  const hours = new Intl.NumberFormat(it ? 'it-IT' : 'en-GB', { maximumFractionDigits: 2 }).format(c.hours);
  const subject = it ? `Attestato di partecipazione: ${cycle.title}` : `Certificate of attendance: ${cycle.title}`;
  const body = layout({
    locale,
    site,
    title: it ? 'Il tuo attestato di partecipazione' : 'Your certificate of attendance',
    preheader: it
      ? `Hai partecipato a ${c.attendedSessions} incontri su ${c.heldSessions} di ${quoted(cycle.title, locale)}: ecco l’attestato.`
      : `You attended ${c.attendedSessions} of ${c.heldSessions} meetings of ${quoted(cycle.title, locale)}: here is your certificate.`,
    greeting: greeting(props.firstName, locale),
    blocks: [
      paragraph(
        it
          ? `il percorso ${quoted(cycle.title, locale)} si è concluso e hai partecipato a ${c.attendedSessions} incontri su ${c.heldSessions}, per ${hours} ${c.hours === 1 ? 'ora' : 'ore'}: il tuo attestato di partecipazione è pronto.`
          : `${quoted(cycle.title, locale)} has ended and you attended ${c.attendedSessions} of ${c.heldSessions} meetings, ${hours} ${c.hours === 1 ? 'hour' : 'hours'} in all: your certificate of attendance is ready.`,
      ),
      button(it ? 'Scarica l’attestato (PDF)' : 'Download the certificate (PDF)', c.downloadUrl),
      paragraph(
        it
          ? `L’attestato riporta il codice di verifica ${c.code} e un codice QR: chiunque (il tuo ente, un ordine professionale) può controllarne l’autenticità alla pagina pubblica qui sotto, che mostra solo nome, percorso e frequenza.`
          : `The certificate carries the verification code ${c.code} and a QR code: anyone (your employer, a professional body) can check it is genuine on the public page below, which shows only the name, the programme and the attendance.`,
      ),
      linkLine(it ? 'Verifica:' : 'Verification:', c.verifyUrl),
      note(
        it ? 'Il link per scaricare l’attestato è personale: non inoltrare questa email.' : 'The download link is personal: please do not forward this email.',
      ),
    ],
    footer: 'participant',
  });
  return { subject, ...body };
}
