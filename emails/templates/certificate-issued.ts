// Sent when a certificate of attendance is issued (at the end of the cycle, to each participant who
// reached the threshold): the PDF's private address and the public page where anyone can verify it.
import { INTL_LOCALE, msg, t } from '../../server/lib/i18n.ts';
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
  const title = quoted(cycle.title, locale);
  const hours = msg('certificate_hours', {
    count: c.hours,
    hours: new Intl.NumberFormat(INTL_LOCALE[locale], { maximumFractionDigits: 2 }).format(c.hours),
  });
  const body = layout({
    locale,
    site,
    contact: props.contact,
    title: t(locale, 'email_certificate_title'),
    preheader: t(locale, 'email_certificate_preheader', { attended: c.attendedSessions, held: c.heldSessions, cycle: title }),
    greeting: greeting(props.firstName, locale),
    blocks: [
      paragraph(t(locale, 'email_certificate_intro', { cycle: title, attended: c.attendedSessions, held: c.heldSessions, hours })),
      button(t(locale, 'email_certificate_download'), c.downloadUrl),
      paragraph(t(locale, 'email_certificate_verify_text', { code: c.code })),
      linkLine(t(locale, 'email_certificate_verify'), c.verifyUrl),
      note(t(locale, 'email_certificate_personal')),
    ],
    footer: 'participant',
  });
  return { subject: t(locale, 'email_certificate_subject', { cycle: cycle.title }), ...body };
}
