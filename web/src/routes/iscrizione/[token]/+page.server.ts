// "La mia iscrizione": reached from the confirmation, the email and bookmarks. Nothing to submit here
// (cancelling has its own confirmation page), so the page ships no JavaScript.
import { loadRegistration, webcalOf } from '$lib/server/registration';
import type { PageServerLoad } from './$types';

export const csr = false;

/** Self check-in opens 30 minutes before a meeting starts (server/modules/attendance/attendance.codes.ts). */
const CHECK_IN_OPENS_BEFORE_MS = 30 * 60_000;

export const load: PageServerLoad = async (event) => {
  const { registration, cycle, materials, certificate, certificateAvailable } = await loadRegistration(event);
  const q = event.url.searchParams;
  return {
    registration,
    cycle,
    materials,
    certificate,
    certificateAvailable,
    token: event.params.token,
    webcalUrl: registration.webcalUrl ?? webcalOf(registration.calendarUrl),
    // Meetings whose self check-in is open right now: the page links to the check-in form.
    checkInSessions:
      registration.status === 'confirmed'
        ? cycle.sessions.filter(
            (s) =>
              s.status === 'scheduled' &&
              Date.now() >= Date.parse(s.startsAt) - CHECK_IN_OPENS_BEFORE_MS &&
              Date.now() <= Date.parse(s.endsAt),
          )
        : [],
    justRegistered: q.get('nuova') === '1',
    justCancelled: q.get('annullata') === '1',
  };
};
