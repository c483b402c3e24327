// Editing a cycle's texts and settings (capacity has its own form on the overview).
import type { ApiJson } from '$lib/api/api.types';
import { fail, redirect } from '@sveltejs/kit';
import { href, pagePath } from '$lib/i18n';
import { ApiError, siteConfig } from '$lib/server/api';
import { consoleApi } from '$lib/server/console';
import { CYCLE_FIELDS, checkCycle, cycleValues, formName, readCycle } from '$lib/server/console-cycle';
import { formProblem } from '$lib/server/console-forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { cycle } = await event.parent();
  const { items } = await consoleApi(event).get<ApiJson<'/api/admin/themes', 'get'>>('/api/admin/themes');
  return { themes: items, values: cycleValues(cycle, siteConfig().timezone), programmeContact: siteConfig().programmeContact };
};

export const actions: Actions = {
  default: async (event) => {
    const tz = siteConfig().timezone;
    const values = readCycle(await event.request.formData());
    const api = consoleApi(event);
    const path = `/api/admin/cycles/${encodeURIComponent(event.params.id)}`;
    const current = await api.get<ApiJson<'/api/admin/cycles/{id}', 'get'>>(path);
    const slugLocked = current.publication === 'published';
    values.capacity = String(current.capacity);
    const { errors, body } = checkCycle(values, tz, { slugLocked });
    if (Object.keys(errors).length > 0) return fail(400, { values, errors });
    const { capacity: _capacity, ...patch } = body;
    try {
      await api.patch(path, patch);
    } catch (e) {
      if (e instanceof ApiError && (e.code === 'slug_taken' || e.code === 'slug_locked')) return fail(409, { values, errors: { slug: e.message } });
      return fail(400, { values, errors: formProblem(e, CYCLE_FIELDS, formName) });
    }
    redirect(303, `${href(pagePath.console.cycle(event.params.id), event.locals.locale)}?salvato=1`);
  },
};
