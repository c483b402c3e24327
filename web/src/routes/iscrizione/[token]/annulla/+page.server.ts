// The second of the two clicks that cancel: a page that says what cancelling means, with one button.
// Without JavaScript it is a plain form POST; with it, use:enhance.
import { error, redirect } from '@sveltejs/kit';
import { href, pagePath } from '$lib/i18n';
import { ApiError, apiFor } from '$lib/server/api';
import { PRIVATE_HEADERS, loadRegistration, registrationPath } from '$lib/server/registration';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { registration, cycle } = await loadRegistration(event);
  if (registration.status === 'cancelled') redirect(303, href(pagePath.registration(event.params.token)));
  return { registration, cycle, token: event.params.token };
};

export const actions: Actions = {
  default: async (event) => {
    event.setHeaders(PRIVATE_HEADERS);
    const back = href(pagePath.registration(event.params.token));
    try {
      await apiFor(event).post(`${registrationPath(event.params.token)}/cancel`);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      // Cancelled twice (another tab, a double click): the result the person wanted is there.
      if (e.code === 'already_cancelled') redirect(303, `${back}?annullata=1`);
      if (e.status === 404) error(404, { code: 'registration_not_found', message: e.message });
      error(e.status, { code: e.code, message: e.message });
    }
    redirect(303, `${back}?annullata=1`);
  },
};
