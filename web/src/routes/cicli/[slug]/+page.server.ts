// A cycle and its sign-up form. The form is a SvelteKit action: without JavaScript it is a plain POST
// and a new page; with it, use:enhance does the same without a reload.
import type { ApiJson } from '$lib/api/api.types';
import { error, fail, redirect } from '@sveltejs/kit';
import { href, pagePath } from '$lib/i18n';
import { m } from '$lib/paraglide/messages.js';
import { ApiError, apiFor } from '$lib/server/api';
import { checkSignup, fieldErrorsFromApi, readSignup } from '$lib/server/signup';
import type { Registration } from '$lib/types';
import type { Actions, PageServerLoad } from './$types';

function cyclePath(slug: string) {
  return `/api/cycles/${encodeURIComponent(slug)}`;
}

export const load: PageServerLoad = async (event) => {
  try {
    const cycle = await apiFor(event).cycle(event.params.slug);
    return { cycle };
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) error(404, { code: 'cycle_not_found', message: m.error_cycle_not_found_text() });
    throw e;
  }
};

export const actions: Actions = {
  default: async (event) => {
    const values = readSignup(await event.request.formData());
    const errors = checkSignup(values);
    if (Object.keys(errors).length > 0) return fail(400, { values, errors, problem: null });

    let registration: Registration;
    try {
      ({ registration } = await apiFor(event).post<ApiJson<'/api/cycles/{slug}/registrations', 'post', 201>>(`${cyclePath(event.params.slug)}/registrations`, {
        firstName: values.firstName,
        lastName: values.lastName,
        email: values.email,
        organisation: values.organisation,
        role: values.role || null,
        network: values.network || null,
        consent: true,
        locale: event.locals.locale,
      }));
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (e.code === 'validation_error') return fail(400, { values, errors: fieldErrorsFromApi(e.fields), problem: null });
      if (e.code === 'already_registered') return fail(409, { values, errors: {}, problem: 'already_registered' as const });
      // Only past the sign-up queue's bound (SIGNUP_QUEUE_MAX / SIGNUP_QUEUE_WAIT_MS): the form again, with
      // the person's data and a word to retry, not an error page.
      if (e.status === 503) return fail(503, { values, errors: {}, problem: 'busy' as const });
      if (e.status === 404) error(404, { code: 'cycle_not_found', message: m.error_cycle_not_found_text() });
      // Closed or full while the person was filling the form: a page that says what to do next.
      if (e.code === 'registration_closed' || e.code === 'cycle_full') error(409, { code: e.code, message: e.message });
      // Too many sign-ups from this address or network: the API's message says when to try again.
      if (e.code === 'rate_limited') error(429, { code: e.code, message: e.message });
      throw e;
    }
    const token = new URL(registration.manageUrl ?? '', 'http://x').pathname.split('/').pop() ?? '';
    redirect(303, `${href(pagePath.registration(token))}?nuova=1`);
  },
};
