// A message an organiser writes to the people registered for a cycle. Their subject and text are shown
// as written (escaped, line breaks kept), framed so it is clear who wrote it and for which cycle. No
// greeting of ours above it: the organiser writes their own, and two in a row read as a mistake.
import { t } from '../../server/lib/i18n.ts';
import { button, layout, note, quote } from '../layout.ts';
import { quoted } from '../sections.ts';
import type { Locale, PersonProps, RenderedEmail } from '../types.ts';

export interface Props extends PersonProps {
  subject: string;
  body: string;
}

export function render(props: Props, locale: Locale): RenderedEmail {
  const { cycle, site } = props;
  const title = quoted(cycle.title, locale);
  // A subject is one line: a pasted newline must not reach the header.
  const subject = `${props.subject.replace(/\s+/g, ' ').trim()} — ${cycle.title}`;
  const body = layout({
    locale,
    site,
    contact: props.contact,
    title: props.subject.replace(/\s+/g, ' ').trim(),
    preheader: t(locale, 'email_organiser_preheader', { cycle: title }),
    blocks: [note(t(locale, 'email_organiser_intro', { cycle: title })), quote(props.body), button(t(locale, 'email_my_registration'), props.manageUrl)],
    footer: 'organiser',
  });
  return { subject, ...body };
}
