// Sent before each meeting (REMINDER_OFFSETS, default two days and two hours before): which meeting,
// when, where or the online link, and the way to cancel if plans changed.
import { t } from '../../server/lib/i18n.ts';
import { formatDayMonth, formatTime, zoneNote } from '../format.ts';
import { button, layout, note, paragraph, sessionCard } from '../layout.ts';
import { checkInSection, greeting, quoted } from '../sections.ts';
import type { CheckInQr, Locale, PersonProps, RenderedEmail, SessionInfo } from '../types.ts';

export interface Props extends PersonProps {
  session: SessionInfo;
  /** "Incontro 2 di 5" when known. */
  index?: { number: number; of: number };
  /** The check-in QR, attached inline; none for a meeting held only online (no entrance to show it at). */
  checkIn: CheckInQr | null;
}

export function render(props: Props, locale: Locale): RenderedEmail {
  const { cycle, site, session } = props;
  const day = formatDayMonth(session.startsAt, locale, site.timezone);
  const time = formatTime(session.startsAt, locale, site.timezone);
  const label = props.index ? t(locale, 'email_reminder_label', { number: props.index.number, of: props.index.of }) : undefined;
  const body = layout({
    locale,
    site,
    contact: props.contact,
    title: t(locale, 'email_reminder_title'),
    preheader: t(locale, 'email_reminder_preheader', { session: session.title, day, time }),
    greeting: greeting(props.firstName, locale),
    blocks: [
      paragraph(t(locale, 'email_reminder_intro', { cycle: quoted(cycle.title, locale) })),
      sessionCard(session, locale, site, { label }),
      note(zoneNote(locale, site.timezone)),
      ...(session.onlineUrl ? [paragraph(t(locale, 'email_reminder_online'))] : []),
      ...(props.checkIn ? checkInSection(props.checkIn, locale) : []),
      paragraph(t(locale, 'email_reminder_cancel')),
      button(t(locale, 'email_my_registration'), props.manageUrl),
    ],
    footer: 'participant',
  });
  return { subject: t(locale, 'email_reminder_subject', { cycle: cycle.title, day, time }), ...body };
}
