// Sent after a meeting when its materials (slides, e-books, recordings) are published: the links.
// The links are what the materials issue hands over: absolute, and already checking the viewer's right.
import { t } from '../../server/lib/i18n.ts';
import { formatDate } from '../format.ts';
import { bulletList, button, inlineLink, layout, paragraph } from '../layout.ts';
import { greeting, quoted } from '../sections.ts';
import type { Locale, PersonProps, RenderedEmail } from '../types.ts';

export interface Props extends PersonProps {
  /** The meeting the materials belong to; null for materials of the whole programme. */
  session: { title: string; startsAt: Date } | null;
  materials: { title: string; url: string }[];
}

export function render(props: Props, locale: Locale): RenderedEmail {
  const { cycle, site, session } = props;
  const title = quoted(cycle.title, locale);
  const subject = session
    ? t(locale, 'email_materials_subject_session', { session: session.title, cycle: cycle.title })
    : t(locale, 'email_materials_subject', { cycle: cycle.title });
  const intro = session
    ? t(locale, 'email_materials_intro_session', { session: session.title, date: formatDate(session.startsAt, locale, site.timezone), cycle: title })
    : t(locale, 'email_materials_intro', { cycle: title });
  const body = layout({
    locale,
    site,
    contact: props.contact,
    title: t(locale, 'email_materials_title'),
    preheader: t(locale, 'email_materials_preheader', { count: props.materials.length, cycle: title }),
    greeting: greeting(props.firstName, locale),
    blocks: [
      paragraph(intro),
      bulletList(props.materials.map((m) => inlineLink(m.title, m.url))),
      paragraph(t(locale, 'email_materials_where')),
      button(t(locale, 'email_my_registration'), props.manageUrl),
    ],
    footer: 'participant',
  });
  return { subject, ...body };
}
