// Self check-in by a participant: opened from their "my registration" page during a meeting (the
// link carries their private token), they type the code shown in the room. Without the token in the
// link there is nothing to check in with: the page says where to find the right link.
import { error, fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { ApiError, apiFor } from '$lib/server/api';
import { PRIVATE_HEADERS, registrationPath } from '$lib/server/registration';
import type { RegistrationWithCycle } from '$lib/types';
import type { Actions, PageServerLoad } from './$types';

/** The code is accepted from 30 minutes before the start (server/modules/attendance/attendance.codes.ts). */
const OPENS_BEFORE_MS = 30 * 60_000;

export const load: PageServerLoad = async (event) => {
  event.setHeaders(PRIVATE_HEADERS);
  const token = event.url.searchParams.get('t') ?? '';
  if (!token) return { token: null, registration: null, cycle: null, session: null, phase: null };
  let found: RegistrationWithCycle;
  try {
    found = await apiFor(event).get<RegistrationWithCycle>(registrationPath(token));
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      error(404, { code: 'registration_not_found', message: m.error_registration_not_found_text() });
    }
    throw e;
  }
  const session = found.cycle.sessions.find((s) => s.id === event.params.sessionId);
  if (!session) error(404, { code: 'not_found', message: m.checkin_session_not_found() });
  const now = Date.now();
  const phase =
    session.status === 'cancelled'
      ? 'cancelled'
      : now < Date.parse(session.startsAt) - OPENS_BEFORE_MS
        ? 'before'
        : now > Date.parse(session.endsAt)
          ? 'after'
          : 'open';
  return { token, registration: found.registration, cycle: found.cycle, session, phase };
};

export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const token = typeof form.get('t') === 'string' ? (form.get('t') as string) : '';
    const code = (typeof form.get('code') === 'string' ? (form.get('code') as string) : '').replace(/\s+/g, '');
    if (!/^\d{6}$/.test(code)) return fail(400, { code, message: m.checkin_code_format() });
    try {
      await apiFor(event).post(`/api/sessions/${encodeURIComponent(event.params.sessionId)}/check-in`, { token, code });
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (e.code === 'already_checked_in') return { done: true, already: true };
      if (e.status === 404) error(404, { code: 'registration_not_found', message: m.error_registration_not_found_text() });
      if (e.status < 500) return fail(e.status, { code, message: e.message });
      throw e;
    }
    return { done: true, already: false };
  },
};
