// Loading a registration by its private token, for the "my registration" pages. The address carries a
// secret: nothing may cache it and no link may leak it in a Referer header to another site. (Not
// no-referrer: browsers then send `Origin: null` with the cancel form, and SvelteKit's CSRF check
// rightly refuses it.)
import { error, type RequestEvent } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { ApiError, apiFor } from '$lib/server/api';
import type { RegistrationWithCycle } from '$lib/types';

export const PRIVATE_HEADERS = {
  'cache-control': 'private, no-store',
  'referrer-policy': 'same-origin',
  'x-robots-tag': 'noindex, nofollow',
};

export function registrationPath(token: string) {
  return `/api/registrations/${encodeURIComponent(token)}`;
}

export async function loadRegistration(event: RequestEvent & { params: { token: string } }) {
  event.setHeaders(PRIVATE_HEADERS);
  try {
    return await apiFor(event).get<RegistrationWithCycle>(registrationPath(event.params.token));
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      error(404, { code: 'registration_not_found', message: m.error_registration_not_found_text() });
    }
    throw e;
  }
}
