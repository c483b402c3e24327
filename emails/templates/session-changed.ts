// Sent when an organiser moves a meeting or changes its place or link: what it was, what it is now.
// The calendar attachment (METHOD:REQUEST, higher SEQUENCE) moves the same event in the person's calendar.
import { t } from '../../server/lib/i18n.ts';
import { formatWhen, placeLines, zoneNote } from '../format.ts';
import { type Block, button, esc, heading, layout, note, paragraph, sessionCard } from '../layout.ts';
import { greeting, quoted } from '../sections.ts';
import type { Locale, PersonProps, RenderedEmail, SessionInfo } from '../types.ts';

export interface Props extends PersonProps {
  /** The meeting as it is now. */
  session: SessionInfo;
  /** The meeting as the person knew it ('cancelled' when this change brings it back). */
  previous: Pick<SessionInfo, 'startsAt' | 'endsAt' | 'location' | 'onlineUrl' | 'online'> & { status?: SessionInfo['status'] };
  calendarAttached: boolean;
}

/** "was → now" lines for what actually changed (time, place, link), in both parts. */
function changes(props: Props, locale: Locale): Block {
  const { site, session: now, previous: was } = props;
  const rows: { label: string; was: string; now: string }[] = [];
  if (was.status === 'cancelled' && now.status === 'scheduled') {
    rows.push({ label: t(locale, 'email_changed_status'), was: t(locale, 'email_changed_status_was'), now: t(locale, 'email_changed_status_now') });
  }
  const whenWas = formatWhen(was.startsAt, was.endsAt, locale, site.timezone);
  const whenNow = formatWhen(now.startsAt, now.endsAt, locale, site.timezone);
  if (whenWas !== whenNow) rows.push({ label: t(locale, 'email_changed_when'), was: whenWas, now: whenNow });
  const place = (s: Pick<SessionInfo, 'location' | 'onlineUrl' | 'online'>) =>
    placeLines(s, locale)
      .map((p) => `${p.label}: ${p.value}`)
      .join(' · ');
  if ((was.location ?? '') !== (now.location ?? '') || (was.onlineUrl ?? '') !== (now.onlineUrl ?? '')) {
    rows.push({ label: t(locale, 'email_changed_where'), was: place(was), now: place(now) });
  }
  const before = t(locale, 'email_changed_before');
  const after = t(locale, 'email_changed_after');
  return {
    html: rows
      .map(
        (r) =>
          `<p style="margin:0 0 12px"><strong>${esc(r.label)}</strong><br>` +
          `<span style="color:#4d5d6e">${esc(before)}: <span style="text-decoration:line-through">${esc(r.was)}</span></span><br>` +
          `${esc(after)}: <strong>${esc(r.now)}</strong></p>`,
      )
      .join(''),
    text: rows.map((r) => `${r.label}\n  ${before}: ${r.was}\n  ${after}: ${r.now}`).join('\n\n'),
  };
}

const SUBJECT = { reinstated: 'email_changed_subject_reinstated', moved: 'email_changed_subject_moved', changed: 'email_changed_subject' } as const;
const TITLE = { reinstated: 'email_changed_title_reinstated', moved: 'email_changed_title_moved', changed: 'email_changed_title' } as const;

export function render(props: Props, locale: Locale): RenderedEmail {
  const { cycle, site, session } = props;
  const moved = props.previous.startsAt.getTime() !== session.startsAt.getTime() || props.previous.endsAt.getTime() !== session.endsAt.getTime();
  const reinstated = props.previous.status === 'cancelled';
  const kind = reinstated ? 'reinstated' : moved ? 'moved' : 'changed';
  const body = layout({
    locale,
    site,
    contact: props.contact,
    title: t(locale, TITLE[kind]),
    preheader: t(locale, 'email_changed_preheader', { session: session.title, when: formatWhen(session.startsAt, session.endsAt, locale, site.timezone) }),
    greeting: greeting(props.firstName, locale),
    blocks: [
      paragraph(t(locale, 'email_changed_intro', { cycle: quoted(cycle.title, locale) })),
      changes(props, locale),
      heading(t(locale, 'email_changed_updated_heading')),
      sessionCard(session, locale, site),
      note(zoneNote(locale, site.timezone)),
      ...(props.calendarAttached ? [paragraph(t(locale, 'email_changed_calendar'))] : []),
      paragraph(t(locale, 'email_changed_cancel')),
      button(t(locale, 'email_my_registration'), props.manageUrl),
    ],
    footer: 'participant',
  });
  return { subject: t(locale, SUBJECT[kind], { session: session.title, cycle: cycle.title }), ...body };
}
