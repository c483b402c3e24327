// Sent after a meeting when its materials (slides, e-books, recordings) are published: the links.
// The links are what the materials issue hands over: absolute, and already checking the viewer's right.
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
  const it = locale === 'it';
  const subject = session
    ? it
      ? `Materiali disponibili: ${session.title} (${cycle.title})`
      : `Materials available: ${session.title} (${cycle.title})`
    : it
      ? `Materiali disponibili: ${cycle.title}`
      : `Materials available: ${cycle.title}`;
  const intro = session
    ? it
      ? `sono disponibili i materiali dell’incontro «${session.title}» di ${formatDate(session.startsAt, locale, site.timezone)}, nel percorso ${quoted(cycle.title, locale)}:`
      : `The materials of the meeting “${session.title}” of ${formatDate(session.startsAt, locale, site.timezone)}, in ${quoted(cycle.title, locale)}, are available:`
    : it
      ? `sono disponibili nuovi materiali del percorso ${quoted(cycle.title, locale)}:`
      : `New materials of ${quoted(cycle.title, locale)} are available:`;
  const body = layout({
    locale,
    site,
    title: it ? 'I materiali sono disponibili' : 'The materials are available',
    preheader: it
      ? `${props.materials.length} nuovi materiali per ${quoted(cycle.title, locale)}.`
      : `${props.materials.length} new materials for ${quoted(cycle.title, locale)}.`,
    greeting: greeting(props.firstName, locale),
    blocks: [
      paragraph(intro),
      bulletList(props.materials.map((m) => inlineLink(m.title, m.url))),
      paragraph(
        it
          ? 'Trovi tutti i materiali anche nella pagina «La mia iscrizione». I link sono personali: non inoltrare questa email.'
          : 'You will also find all the materials on your “My registration” page. The links are personal: please do not forward this email.',
      ),
      button(it ? 'La mia iscrizione' : 'My registration', props.manageUrl),
    ],
    footer: 'participant',
  });
  return { subject, ...body };
}
