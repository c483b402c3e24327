// The registrations of a cycle: status, waiting-list position, attendance; a person added by the
// organiser (walk-in); cancellation by the organiser (two steps: the seat goes to the waiting list).
import type { ApiJson } from '$lib/api/api.types';
import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { ApiError } from '$lib/server/api';
import { consoleApi } from '$lib/server/console';
import { formProblem, text } from '$lib/server/console-forms';
import type { FieldErrors } from '$lib/components/console/types';
import type { Actions, PageServerLoad } from './$types';

const FILTERS = ['all', 'active', 'confirmed', 'waitlisted', 'cancelled'] as const;
type Filter = (typeof FILTERS)[number];
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const WALK_IN_FIELDS = ['firstName', 'lastName', 'email', 'organisation', 'role', 'network', 'consent'];

const registrationsPath = (id: string) => `/api/admin/cycles/${encodeURIComponent(id)}/registrations`;

export const load: PageServerLoad = async (event) => {
  const asked = event.url.searchParams.get('stato');
  const filter: Filter = (FILTERS as readonly string[]).includes(asked ?? '') ? (asked as Filter) : 'all';
  const { items } = await consoleApi(event).get<ApiJson<'/api/admin/cycles/{id}/registrations', 'get'>>(
    `${registrationsPath(event.params.id)}?status=${filter}`,
  );
  return { registrations: items, filter };
};

function readWalkIn(form: FormData) {
  return {
    firstName: text(form, 'firstName'),
    lastName: text(form, 'lastName'),
    email: text(form, 'email'),
    organisation: text(form, 'organisation'),
    role: text(form, 'role'),
    network: text(form, 'network'),
    source: text(form, 'source') === 'organiser' ? ('organiser' as const) : ('walk_in' as const),
    consent: form.get('consent') === 'yes',
    addSeat: form.get('addSeat') === 'yes',
  };
}

export const actions: Actions = {
  cancel: async (event) => {
    const form = await event.request.formData();
    const id = text(form, 'registrationId');
    const api = consoleApi(event);
    if (form.get('confirm') !== 'yes') {
      const { items } = await api.get<ApiJson<'/api/admin/cycles/{id}/registrations', 'get'>>(`${registrationsPath(event.params.id)}?status=active`);
      const r = items.find((x) => x.id === id);
      if (!r) return fail(404, { action: 'cancel' as const, errors: { form: m.console_registration_gone() } });
      return { action: 'cancel' as const, confirm: { id: r.id, name: `${r.firstName} ${r.lastName}`, status: r.status } };
    }
    try {
      const res = await api.post<ApiJson<'/api/admin/registrations/{id}/cancel', 'post'>>(`/api/admin/registrations/${encodeURIComponent(id)}/cancel`);
      return { action: 'cancel' as const, done: true, name: `${res.registration.firstName} ${res.registration.lastName}`, promoted: res.promoted.length };
    } catch (e) {
      return fail(409, { action: 'cancel' as const, errors: formProblem(e) });
    }
  },

  walkIn: async (event) => {
    const values = readWalkIn(await event.request.formData());
    const errors: FieldErrors = {};
    if (!values.firstName) errors.firstName = m.error_first_name_required();
    if (!values.lastName) errors.lastName = m.error_last_name_required();
    if (!values.email) errors.email = m.error_email_required();
    else if (!EMAIL.test(values.email)) errors.email = m.error_email_invalid();
    if (!values.organisation) errors.organisation = m.error_organisation_required();
    if (!values.consent) errors.consent = m.console_walkin_consent_required();
    if (Object.keys(errors).length > 0) return fail(400, { action: 'walkIn' as const, values, errors });
    try {
      const res = await consoleApi(event).post<ApiJson<'/api/admin/cycles/{id}/registrations', 'post', 201>>(registrationsPath(event.params.id), {
        ...values,
        role: values.role || null,
        network: values.network || null,
        consent: true,
        locale: event.locals.locale,
      });
      const r = res.registration;
      return { action: 'walkIn' as const, done: true, name: `${r.firstName} ${r.lastName}`, status: r.status, position: r.waitlistPosition };
    } catch (e) {
      if (e instanceof ApiError && e.code === 'cycle_full')
        return fail(409, { action: 'walkIn' as const, values, errors: { addSeat: m.console_walkin_full() } });
      return fail(400, { action: 'walkIn' as const, values, errors: formProblem(e, WALK_IN_FIELDS) });
    }
  },
};
