// Sent when an organiser moves a meeting or changes its place or link: what it was, what it is now.
// The calendar attachment (METHOD:REQUEST, higher SEQUENCE) moves the same event in the person's calendar.
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
  const it = locale === 'it';
  const rows: { label: string; was: string; now: string }[] = [];
  if (was.status === 'cancelled' && now.status === 'scheduled') {
    rows.push({ label: it ? 'Stato' : 'Status', was: it ? 'annullato' : 'cancelled', now: it ? 'confermato' : 'going ahead' });
  }
  const whenWas = formatWhen(was.startsAt, was.endsAt, locale, site.timezone);
  const whenNow = formatWhen(now.startsAt, now.endsAt, locale, site.timezone);
  if (whenWas !== whenNow) rows.push({ label: it ? 'Quando' : 'When', was: whenWas, now: whenNow });
  const place = (s: Pick<SessionInfo, 'location' | 'onlineUrl' | 'online'>) =>
    placeLines(s, locale)
      .map((p) => `${p.label}: ${p.value}`)
      .join(' · ');
  if ((was.location ?? '') !== (now.location ?? '') || (was.onlineUrl ?? '') !== (now.onlineUrl ?? '')) {
    rows.push({ label: it ? 'Dove' : 'Where', was: place(was), now: place(now) });
  }
  const before = it ? 'prima' : 'before';
  const after = it ? 'ora' : 'now';
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

export function render(props: Props, locale: Locale): RenderedEmail {
  const { cycle, site, session } = props;
  const it = locale === 'it';
  const moved = props.previous.startsAt.getTime() !== session.startsAt.getTime() || props.previous.endsAt.getTime() !== session.endsAt.getTime();
  const reinstated = props.previous.status === 'cancelled';
  const what = reinstated
    ? it
      ? 'Incontro di nuovo in programma'
      : 'Meeting back on'
    : moved
      ? it
        ? 'Incontro spostato'
        : 'Meeting moved'
      : it
        ? 'Incontro modificato'
        : 'Meeting changed';
  const subject = `${what}: ${session.title} (${cycle.title})`;
  const body = layout({
    locale,
    site,
    title: reinstated
      ? it
        ? 'Un incontro annullato torna in programma'
        : 'A cancelled meeting is back on'
      : moved
        ? it
          ? 'Un incontro è stato spostato'
          : 'A meeting has been moved'
        : it
          ? 'Un incontro è cambiato'
          : 'A meeting has changed',
    preheader: it
      ? `${session.title}: ${formatWhen(session.startsAt, session.endsAt, locale, site.timezone)}.`
      : `${session.title}: ${formatWhen(session.startsAt, session.endsAt, locale, site.timezone)}.`,
    greeting: greeting(props.firstName, locale),
    blocks: [
      paragraph(
        it
          ? `gli organizzatori del percorso ${quoted(cycle.title, locale)} hanno modificato un incontro. Ecco cosa cambia:`
          : `The organisers of ${quoted(cycle.title, locale)} have changed a meeting. This is what changes:`,
      ),
      changes(props, locale),
      heading(it ? 'L’incontro aggiornato' : 'The updated meeting'),
      sessionCard(session, locale, site),
      note(zoneNote(locale, site.timezone)),
      ...(props.calendarAttached
        ? [
            paragraph(
              it
                ? 'L’allegato aggiorna l’evento nel tuo calendario; se hai attivato l’abbonamento al calendario personale, quello si aggiorna da solo.'
                : 'The attachment updates the event in your calendar; if you subscribed to your personal calendar, it updates by itself.',
            ),
          ]
        : []),
      paragraph(
        it
          ? 'Se con la nuova data non puoi partecipare, puoi annullare l’iscrizione dalla tua pagina.'
          : 'If you cannot attend on the new date, you can cancel your registration from your page.',
      ),
      button(it ? 'La mia iscrizione' : 'My registration', props.manageUrl),
    ],
    footer: 'participant',
  });
  return { subject, ...body };
}
