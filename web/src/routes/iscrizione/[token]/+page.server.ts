// "La mia iscrizione": reached from the confirmation, the email and bookmarks. Its one form (a new link
// for this page) is a plain POST (cancelling has its own confirmation page), so the page ships no
// JavaScript.
import type { ApiJson } from '$lib/api/api.types';
import { error, redirect } from '@sveltejs/kit';
import { href, pagePath } from '$lib/i18n';
import { ApiError, apiFor } from '$lib/server/api';
import { PRIVATE_HEADERS, loadRegistration, registrationPath } from '$lib/server/registration';
import type { Actions, PageServerLoad } from './$types';

export const csr = false;

/** Self check-in opens 30 minutes before a meeting starts (server/modules/attendance/attendance.codes.ts). */
const CHECK_IN_OPENS_BEFORE_MS = 30 * 60_000;

export const load: PageServerLoad = async (event) => {
  const { registration, cycle, materials, certificate, certificateAvailable, attendance, outcome, calendar } = await loadRegistration(event);
  const q = event.url.searchParams;
  return {
    registration,
    cycle,
    materials,
    certificate,
    certificateAvailable,
    attendance,
    // Set by the server once the cycle is over: the page then leads with it and drops what was for before.
    outcome,
    token: event.params.token,
    calendar,
    // Meetings whose self check-in is open right now: the page links to the check-in form.
    checkInSessions:
      registration.status === 'confirmed'
        ? cycle.sessions.filter(
            (s) => s.status === 'scheduled' && Date.now() >= Date.parse(s.startsAt) - CHECK_IN_OPENS_BEFORE_MS && Date.now() <= Date.parse(s.endsAt),
          )
        : [],
    justRegistered: q.get('nuova') === '1',
    justCancelled: q.get('annullata') === '1',
    linkChanged: q.get('nuovo-link') === '1',
  };
};

export const actions: Actions = {
  /** A new manage link (the old one stops working at once): off to the page's new address. */
  link: async (event) => {
    event.setHeaders(PRIVATE_HEADERS);
    let manageUrl: string;
    try {
      ({ manageUrl } = await apiFor(event).post<ApiJson<'/api/registrations/{token}/manage-token', 'post'>>(
        `${registrationPath(event.params.token)}/manage-token`,
      ));
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      error(e.status, { code: e.status === 404 ? 'registration_not_found' : e.code, message: e.message });
    }
    const token = new URL(manageUrl).pathname.split('/').pop() ?? '';
    redirect(303, `${href(pagePath.registration(token))}?nuovo-link=1`);
  },
};
