// The meeting form of the console (add a meeting, move one): date and times typed on the programme's
// wall clock (Europe/Rome), turned into instants for the API.
import { m } from '$lib/paraglide/messages.js';
import type { FieldErrors } from '$lib/components/console/types';
import type { Session } from '$lib/types';
import { localParts, text, zonedIso } from './console-forms';
import { SESSION_LIMITS } from './limits';

export interface SessionValues {
  title: string;
  date: string;
  start: string;
  end: string;
  location: string;
  onlineUrl: string;
}

export const SESSION_FIELDS = ['title', 'date', 'start', 'end', 'location', 'onlineUrl'];
export const sessionFormName = (apiField: string) => (apiField === 'startsAt' ? 'start' : apiField === 'endsAt' ? 'end' : apiField);

export function sessionValues(s: Session, timeZone: string): SessionValues {
  const start = localParts(s.startsAt, timeZone);
  const end = localParts(s.endsAt, timeZone);
  return { title: s.title, date: start.date, start: start.time, end: end.time, location: s.location ?? '', onlineUrl: s.onlineUrl ?? '' };
}

export function readSession(form: FormData): SessionValues {
  return {
    title: text(form, 'title'),
    date: text(form, 'date'),
    start: text(form, 'start').slice(0, 5),
    end: text(form, 'end').slice(0, 5),
    location: text(form, 'location'),
    onlineUrl: text(form, 'onlineUrl'),
  };
}

export function checkSession(v: SessionValues, timeZone: string) {
  const errors: FieldErrors = {};
  if (!v.title) errors.title = m.console_session_title_required();
  else if (v.title.length > SESSION_LIMITS.title) errors.title = m.console_too_long({ max: SESSION_LIMITS.title });
  const startsAt = zonedIso(v.date, v.start, timeZone);
  let endsAt = zonedIso(v.date, v.end, timeZone);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v.date) || zonedIso(v.date, '12:00', timeZone) === null) errors.date = m.console_date_invalid();
  else {
    if (!startsAt) errors.start = m.console_time_invalid();
    if (!endsAt) errors.end = m.console_time_invalid();
  }
  // A meeting that ends at or after midnight ends the next day (an evening event).
  if (startsAt && endsAt && Date.parse(endsAt) <= Date.parse(startsAt)) {
    if (v.end === '00:00') endsAt = new Date(Date.parse(endsAt) + 86_400_000).toISOString();
    else errors.end = m.console_session_end_before_start();
  }
  if (v.location.length > SESSION_LIMITS.location) errors.location = m.console_too_long({ max: SESSION_LIMITS.location });
  if (v.onlineUrl && !/^https?:\/\/\S+$/i.test(v.onlineUrl)) errors.onlineUrl = m.console_url_invalid();
  const body = { title: v.title, startsAt: startsAt ?? '', endsAt: endsAt ?? '', location: v.location || null, onlineUrl: v.onlineUrl || null };
  return { errors, body };
}
