// A cycle's overview: publication, capacity (a raise confirms the waiting list: said before it is
// done), meetings (add; move and cancel have their own page with a confirmation), organisers.
import type { ApiJson } from '$lib/api/api.types';
import { fail } from '@sveltejs/kit';
import { siteConfig } from '$lib/server/api';
import { consoleApi } from '$lib/server/console';
import { formProblem, integer, text } from '$lib/server/console-forms';
import { SESSION_FIELDS, checkSession, readSession, sessionFormName } from '$lib/server/console-session-form';
import { m } from '$lib/paraglide/messages.js';
import type { Actions, PageServerLoad } from './$types';

const cyclePath = (id: string) => `/api/admin/cycles/${encodeURIComponent(id)}`;

export const load: PageServerLoad = async (event) => {
  const { account } = await event.parent();
  // Administrators assign organisers: they need the list of accounts.
  const accounts =
    account.role === 'administrator'
      ? (await consoleApi(event).get<ApiJson<'/api/admin/accounts', 'get'>>('/api/admin/accounts')).items.filter((a) => a.active)
      : [];
  const q = event.url.searchParams;
  return {
    accounts,
    notice:
      q.get('creato') === '1'
        ? 'created'
        : q.get('salvato') === '1'
          ? 'saved'
          : q.get('spostato') === '1'
            ? 'moved'
            : q.get('annullato') === '1'
              ? 'sessionCancelled'
              : null,
  };
};

export const actions: Actions = {
  publish: async (event) => {
    try {
      await consoleApi(event).patch(cyclePath(event.params.id), { publication: 'published' });
    } catch (e) {
      return fail(400, { action: 'publish' as const, errors: formProblem(e) });
    }
    return { action: 'publish' as const, done: true };
  },

  unpublish: async (event) => {
    try {
      await consoleApi(event).patch(cyclePath(event.params.id), { publication: 'draft' });
    } catch (e) {
      return fail(400, { action: 'unpublish' as const, errors: formProblem(e) });
    }
    return { action: 'unpublish' as const, done: true };
  },

  capacity: async (event) => {
    const form = await event.request.formData();
    const raw = text(form, 'capacity');
    const capacity = integer(raw, 0, 100_000);
    if (capacity === null) return fail(400, { action: 'capacity' as const, value: raw, errors: { capacity: m.console_cycle_capacity_invalid() } });
    const api = consoleApi(event);
    type Updated = ApiJson<'/api/admin/cycles/{id}', 'patch'>;
    try {
      // A raise confirms people from the waiting list at once and tells them: say how many first. The
      // number is the server's own (the same change, rolled back), never worked out again here.
      if (form.get('confirm') !== 'yes') {
        const preview = await api.patch<Updated>(`${cyclePath(event.params.id)}?dryRun=true`, { capacity });
        if (preview.promoted.length > 0) return { action: 'capacity' as const, confirm: { capacity, promote: preview.promoted.length } };
      }
      const updated = await api.patch<Updated>(cyclePath(event.params.id), { capacity });
      return { action: 'capacity' as const, done: true, capacity, promoted: updated.promoted.length };
    } catch (e) {
      return fail(409, { action: 'capacity' as const, value: raw, errors: formProblem(e) });
    }
  },

  addSession: async (event) => {
    const values = readSession(await event.request.formData());
    const { errors, body } = checkSession(values, siteConfig().timezone);
    if (Object.keys(errors).length > 0) return fail(400, { action: 'addSession' as const, values, errors });
    try {
      // Without a place of its own a meeting takes the cycle's.
      const { location, ...rest } = body;
      await consoleApi(event).post(`${cyclePath(event.params.id)}/sessions`, location ? body : rest);
    } catch (e) {
      return fail(400, { action: 'addSession' as const, values, errors: formProblem(e, SESSION_FIELDS, sessionFormName) });
    }
    return { action: 'addSession' as const, done: true };
  },

  assign: async (event) => {
    const accountId = text(await event.request.formData(), 'accountId');
    if (!accountId) return fail(400, { action: 'assign' as const, errors: { accountId: m.console_organiser_choose_error() } });
    try {
      await consoleApi(event).put(`${cyclePath(event.params.id)}/organisers/${encodeURIComponent(accountId)}`);
    } catch (e) {
      return fail(400, { action: 'assign' as const, errors: formProblem(e) });
    }
    return { action: 'assign' as const, done: true };
  },

  unassign: async (event) => {
    const accountId = text(await event.request.formData(), 'accountId');
    try {
      await consoleApi(event).del(`${cyclePath(event.params.id)}/organisers/${encodeURIComponent(accountId)}`);
    } catch (e) {
      return fail(400, { action: 'unassign' as const, errors: formProblem(e) });
    }
    return { action: 'unassign' as const, done: true };
  },
};
