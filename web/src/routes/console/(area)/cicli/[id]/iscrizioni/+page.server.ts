// The registrations of a cycle: status, waiting-list position, attendance, filtered by status and searched
// (?stato=, ?q=: a GET form, so it works without JavaScript); a person added by the organiser (walk-in); a
// person's name or organisation corrected (?correggi=<id> opens the form); cancellation by the organiser
// (two steps: the seat goes to the waiting list).
import type { ApiJson } from '$lib/api/api.types';
import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { ApiError } from '$lib/server/api';
import { consoleApi } from '$lib/server/console';
import { formProblem, text } from '$lib/server/console-forms';
import { walkIn } from '$lib/server/console-walkin';
import type { FieldErrors } from '$lib/components/console/types';
import type { Actions, PageServerLoad } from './$types';

const FILTERS = ['all', 'active', 'confirmed', 'waitlisted', 'cancelled'] as const;
type Filter = (typeof FILTERS)[number];
const CORRECT_FIELDS = ['firstName', 'lastName', 'organisation'];

const registrationsPath = (id: string) => `/api/admin/cycles/${encodeURIComponent(id)}/registrations`;

type AdminRegistrations = ApiJson<'/api/admin/cycles/{id}/registrations', 'get'>;
/** What the API accepts as a search (RegistrationListQuery): longer input is cut, not refused. */
const MAX_QUERY = 200;

export const load: PageServerLoad = async (event) => {
  const params = event.url.searchParams;
  const asked = params.get('stato');
  const filter: Filter = (FILTERS as readonly string[]).includes(asked ?? '') ? (asked as Filter) : 'all';
  const q = (params.get('q') ?? '').trim().slice(0, MAX_QUERY);
  const api = consoleApi(event);
  const query = new URLSearchParams({ status: filter, ...(q && { q }) });
  const { items } = await api.get<AdminRegistrations>(`${registrationsPath(event.params.id)}?${query}`);
  // The person whose details are being corrected, wherever the filter leaves them.
  const correcting = params.get('correggi');
  let editing = correcting ? (items.find((r) => r.id === correcting) ?? null) : null;
  if (correcting && !editing) {
    editing = (await api.get<AdminRegistrations>(`${registrationsPath(event.params.id)}?status=all`)).items.find((r) => r.id === correcting) ?? null;
  }
  return { registrations: items, filter, q, editing };
};

function readCorrection(form: FormData) {
  return {
    registrationId: text(form, 'registrationId'),
    firstName: text(form, 'firstName'),
    lastName: text(form, 'lastName'),
    organisation: text(form, 'organisation'),
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

  correct: async (event) => {
    const values = readCorrection(await event.request.formData());
    const errors: FieldErrors = {};
    if (!values.firstName) errors.firstName = m.console_person_first_name_required();
    if (!values.lastName) errors.lastName = m.console_person_last_name_required();
    if (!values.organisation) errors.organisation = m.console_person_organisation_required();
    if (Object.keys(errors).length > 0) return fail(400, { action: 'correct' as const, values, errors });
    const { registrationId, ...body } = values;
    try {
      const res = await consoleApi(event).patch<ApiJson<'/api/admin/registrations/{id}', 'patch'>>(
        `/api/admin/registrations/${encodeURIComponent(registrationId)}`,
        body,
      );
      const r = res.registration;
      return { action: 'correct' as const, done: true, id: r.id, name: `${r.firstName} ${r.lastName}`, certificateRenamed: res.certificateRenamed };
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return fail(404, { action: 'correct' as const, values, errors: { form: m.console_correct_gone() } });
      return fail(400, { action: 'correct' as const, values, errors: formProblem(e, CORRECT_FIELDS) });
    }
  },

  walkIn: (event) => walkIn(event, event.params.id),
};
