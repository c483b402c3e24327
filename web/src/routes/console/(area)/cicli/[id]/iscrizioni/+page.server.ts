// The registrations of a cycle: status, waiting-list position, attendance; a person added by the
// organiser (walk-in); cancellation by the organiser (two steps: the seat goes to the waiting list).
import type { ApiJson } from '$lib/api/api.types';
import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { consoleApi } from '$lib/server/console';
import { formProblem, text } from '$lib/server/console-forms';
import { walkIn } from '$lib/server/console-walkin';
import type { Actions, PageServerLoad } from './$types';

const FILTERS = ['all', 'active', 'confirmed', 'waitlisted', 'cancelled'] as const;
type Filter = (typeof FILTERS)[number];

const registrationsPath = (id: string) => `/api/admin/cycles/${encodeURIComponent(id)}/registrations`;

export const load: PageServerLoad = async (event) => {
  const asked = event.url.searchParams.get('stato');
  const filter: Filter = (FILTERS as readonly string[]).includes(asked ?? '') ? (asked as Filter) : 'all';
  const { items } = await consoleApi(event).get<ApiJson<'/api/admin/cycles/{id}/registrations', 'get'>>(
    `${registrationsPath(event.params.id)}?status=${filter}`,
  );
  return { registrations: items, filter };
};

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

  walkIn: (event) => walkIn(event, event.params.id),
};
