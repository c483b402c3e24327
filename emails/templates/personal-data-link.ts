// The answer to "send me a link to all my data": one link, valid for a short time, to the page where the
// person downloads everything held about the address or erases it. Sent only to the address itself,
// which is what makes the link safe: a manage token proves nothing about the address (anyone can sign up
// with any address), the mailbox does.
import { t } from '../../server/lib/i18n.ts';
import { formatTime } from '../format.ts';
import { button, layout, note, paragraph } from '../layout.ts';
import type { ContactInfo, Locale, RenderedEmail, Site } from '../types.ts';

export interface Props {
  site: Site;
  /** The cycle's or the programme's contact; null when there is none. */
  contact: ContactInfo | null;
  /** The one-time link (absolute). */
  url: string;
  /** When the link stops working. */
  expiresAt: Date;
}

export function render(props: Props, locale: Locale): RenderedEmail {
  const { site } = props;
  const subject = t(locale, 'email_personal_data_subject');
  const body = layout({
    locale,
    site,
    contact: props.contact,
    title: subject,
    preheader: t(locale, 'email_personal_data_preheader'),
    greeting: t(locale, 'email_greeting_anonymous'),
    blocks: [
      paragraph(t(locale, 'email_personal_data_intro')),
      button(t(locale, 'email_personal_data_open'), props.url),
      paragraph(t(locale, 'email_personal_data_validity', { until: formatTime(props.expiresAt, locale, site.timezone) })),
      note(t(locale, 'email_link_personal')),
    ],
    footer: 'personal-data',
  });
  return { subject, ...body };
}
