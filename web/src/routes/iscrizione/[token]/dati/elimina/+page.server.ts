// The second step of "erase this registration": a page that says what goes and what stays, with one
// button. The form action calls DELETE /api/registrations/:token/personal-data (that registration only)
// and then leaves for a page that needs no token (after erasure the token is unknown everywhere).
// Without JavaScript it is a plain POST. The page also points to the whole-address erasure (/dati).
import type { ApiJson } from '$lib/api/api.types';
import { error, redirect } from '@sveltejs/kit';
import { href, pagePath } from '$lib/i18n';
import { ApiError, apiFor } from '$lib/server/api';
import { PRIVATE_HEADERS, loadRegistration, registrationPath } from '$lib/server/registration';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { registration, cycle, certificate, certificateAvailable } = await loadRegistration(event);
  return { registration, cycle, token: event.params.token, hasCertificate: certificate !== null || certificateAvailable };
};

export const actions: Actions = {
  default: async (event) => {
    event.setHeaders(PRIVATE_HEADERS);
    let result: { registrations: number; cancelled: number };
    try {
      result = await apiFor(event).delete<ApiJson<'/api/registrations/{token}/personal-data', 'delete'>>(
        `${registrationPath(event.params.token)}/personal-data`,
      );
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (e.status === 404) error(404, { code: 'registration_not_found', message: e.message });
      error(e.status, { code: e.code, message: e.message });
    }
    // Only counts travel in the address: nothing that names the person.
    redirect(303, `${href(pagePath.dataErased())}?iscrizioni=${result.registrations}&annullate=${result.cancelled}`);
  },
};
