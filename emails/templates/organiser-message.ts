// A message an organiser writes to the people registered for a cycle. Their subject and text are shown
// as written (escaped, line breaks kept), framed so it is clear who wrote it and for which programme.
import { button, layout, note, quote } from '../layout.ts';
import { greeting, quoted } from '../sections.ts';
import type { Locale, PersonProps, RenderedEmail } from '../types.ts';

export interface Props extends PersonProps {
  subject: string;
  body: string;
}

export function render(props: Props, locale: Locale): RenderedEmail {
  const { cycle, site } = props;
  const it = locale === 'it';
  // A subject is one line: a pasted newline must not reach the header.
  const subject = `${props.subject.replace(/\s+/g, ' ').trim()} — ${cycle.title}`;
  const body = layout({
    locale,
    site,
    title: props.subject.replace(/\s+/g, ' ').trim(),
    preheader: it ? `Un messaggio dagli organizzatori di ${quoted(cycle.title, locale)}.` : `A message from the organisers of ${quoted(cycle.title, locale)}.`,
    greeting: greeting(props.firstName, locale),
    blocks: [
      note(
        it ? `Messaggio degli organizzatori del percorso ${quoted(cycle.title, locale)}:` : `Message from the organisers of ${quoted(cycle.title, locale)}:`,
      ),
      quote(props.body),
      button(it ? 'La mia iscrizione' : 'My registration', props.manageUrl),
    ],
    footer: 'organiser',
  });
  return { subject, ...body };
}
