// A new cycle, saved as a draft (not in the public catalogue until published); its creator runs it.
import type { ApiJson } from '$lib/api/api.types';
import { fail, redirect } from '@sveltejs/kit';
import { href, pagePath } from '$lib/i18n';
import { ApiError, siteConfig } from '$lib/server/api';
import { consoleApi } from '$lib/server/console';
import { CYCLE_FIELDS, checkCycle, emptyCycle, formName, readCycle } from '$lib/server/console-cycle';
import { formProblem } from '$lib/server/console-forms';
import type { AdminCycle } from '$lib/components/console/types';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { items } = await consoleApi(event).get<ApiJson<'/api/admin/themes', 'get'>>('/api/admin/themes');
  return { themes: items, values: emptyCycle(), programmeContact: siteConfig().programmeContact };
};

export const actions: Actions = {
  default: async (event) => {
    const tz = siteConfig().timezone;
    const values = readCycle(await event.request.formData());
    const { errors, body } = checkCycle(values, tz, { slugLocked: false });
    if (Object.keys(errors).length > 0) return fail(400, { values, errors });
    let cycle: AdminCycle;
    try {
      cycle = await consoleApi(event).post<AdminCycle>('/api/admin/cycles', body);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'slug_taken') return fail(409, { values, errors: { slug: e.message } });
      return fail(400, { values, errors: formProblem(e, CYCLE_FIELDS, formName) });
    }
    redirect(303, `${href(pagePath.console.cycle(cycle.id), event.locals.locale)}?creato=1`);
  },
};
