// The answer to "send me my links": every registration of this address with its private link. Sent
// whatever the address asks from, so it says nothing a stranger could use without the mailbox.
import { t } from '../../server/lib/i18n.ts';
import { pagePath, pageUrl } from '../../server/lib/site.urls.ts';
import { datePhrase } from '../format.ts';
import { bulletList, esc, inlineLink, layout, linkLine, paragraph, type Block } from '../layout.ts';
import type { ContactInfo, Locale, RenderedEmail, Site } from '../types.ts';

export interface Props {
  site: Site;
  /** The cycle's or the programme's contact; null when there is none. */
  contact: ContactInfo | null;
  registrations: {
    cycleTitle: string;
    status: 'confirmed' | 'waitlisted';
    /** First meeting, when the cycle has one. */
    startsAt: Date | null;
    manageUrl: string;
  }[];
}

const STATUS = { confirmed: 'email_links_status_confirmed', waitlisted: 'email_links_status_waitlisted' } as const;

export function render(props: Props, locale: Locale): RenderedEmail {
  const { site } = props;
  const subject = t(locale, 'email_links_subject');
  const items: Block[] = props.registrations.map((r) => {
    const from = r.startsAt ? t(locale, 'email_links_from', { from: datePhrase(r.startsAt, 'from', locale, site.timezone) }) : '';
    const link = inlineLink(r.cycleTitle, r.manageUrl);
    const extra = ` (${t(locale, STATUS[r.status])}${from})`;
    return { html: `${link.html}${esc(extra)}`, text: `${r.cycleTitle}${extra}\n${r.manageUrl}` };
  });
  const blocks =
    items.length > 0
      ? [paragraph(t(locale, 'email_links_intro')), bulletList(items), paragraph(t(locale, 'email_links_personal'))]
      : [paragraph(t(locale, 'email_links_none')), linkLine(t(locale, 'email_links_catalogue'), pageUrl(site.publicUrl, pagePath.catalogue(), locale))];
  const body = layout({
    locale,
    site,
    contact: props.contact,
    title: subject,
    preheader: t(locale, 'email_links_preheader'),
    greeting: t(locale, 'email_greeting_anonymous'),
    blocks,
    footer: 'links',
  });
  return { subject, ...body };
}
