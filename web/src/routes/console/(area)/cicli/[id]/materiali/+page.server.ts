// Materials of a cycle or of one meeting: a file (sent on to the API as multipart) or a link, with who
// may see it; the list with downloads; removal in two steps.
import type { ApiJson } from '$lib/api/api.types';
import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { ApiError } from '$lib/server/api';
import { consoleApi } from '$lib/server/console';
import { formProblem, text } from '$lib/server/console-forms';
import type { CreatedMaterial, FieldErrors, MaterialAdded, Visibility } from '$lib/components/console/types';
import type { Actions, PageServerLoad } from './$types';

const VISIBILITIES: Visibility[] = ['public', 'registered', 'attended'];

export const load: PageServerLoad = async (event) => {
  const api = consoleApi(event);
  const { items } = await api.get<ApiJson<'/api/admin/cycles/{id}/materials', 'get'>>(`/api/admin/cycles/${encodeURIComponent(event.params.id)}/materials`);
  // With JavaScript, files go straight to the API (streamed, up to its own size limit, with a progress
  // bar): SvelteKit would hold a form post in memory and refuses bodies over 512 KB. The page needs the
  // session's CSRF token for that; it is the same token GET /api/auth/me gives any script of ours.
  return { materials: items, csrfToken: await api.csrfToken() };
};

export const actions: Actions = {
  add: async (event) => {
    const form = await event.request.formData();
    const cycle = await consoleApi(event).get<ApiJson<'/api/admin/cycles/{id}', 'get'>>(`/api/admin/cycles/${encodeURIComponent(event.params.id)}`);
    const kind = text(form, 'kind') === 'link' ? 'link' : 'file';
    const sessionId = text(form, 'sessionId');
    const visibility = (VISIBILITIES as string[]).includes(text(form, 'visibility')) ? (text(form, 'visibility') as Visibility) : 'registered';
    const values = { kind, title: text(form, 'title'), url: text(form, 'url'), sessionId, visibility };
    const file = form.get('file');
    const errors: FieldErrors = {};
    if (sessionId && !cycle.sessions.some((s) => s.id === sessionId)) errors.sessionId = m.console_error_field_invalid();
    if (values.title.length > 200) errors.title = m.console_too_long({ max: 200 });
    if (kind === 'link') {
      if (!values.title) errors.title = m.console_material_title_required();
      if (!/^https?:\/\/\S+$/i.test(values.url)) errors.url = m.console_url_invalid();
    } else if (!(file instanceof File) || file.size === 0) {
      errors.file = m.console_material_file_required();
    }
    if (Object.keys(errors).length > 0) return fail(400, { action: 'add' as const, values, errors });

    const target = sessionId
      ? `/api/admin/sessions/${encodeURIComponent(sessionId)}/materials`
      : `/api/admin/cycles/${encodeURIComponent(event.params.id)}/materials`;
    let body: unknown;
    if (kind === 'link') body = { title: values.title, url: values.url, visibility };
    else {
      const upload = new FormData();
      if (values.title) upload.set('title', values.title);
      upload.set('visibility', visibility);
      upload.set('file', file as File);
      body = upload;
    }
    try {
      const created = await consoleApi(event).post<CreatedMaterial>(target, body);
      const added: MaterialAdded = { title: created.title, sessionId: created.sessionId, announcement: created.announcement };
      // The next material usually goes to the same meeting and audience: those choices stay, the rest is cleared.
      return { action: 'add' as const, added, values: { ...values, title: '', url: '' } };
    } catch (e) {
      if (e instanceof ApiError && (e.code === 'unsupported_type' || e.status === 413)) {
        return fail(e.status, { action: 'add' as const, values, errors: { file: e.message } as FieldErrors });
      }
      return fail(400, { action: 'add' as const, values, errors: formProblem(e, ['title', 'url', 'visibility', 'file']) });
    }
  },

  remove: async (event) => {
    const form = await event.request.formData();
    const id = text(form, 'materialId');
    const api = consoleApi(event);
    if (form.get('confirm') !== 'yes') {
      const { items } = await api.get<ApiJson<'/api/admin/cycles/{id}/materials', 'get'>>(`/api/admin/cycles/${encodeURIComponent(event.params.id)}/materials`);
      const found = items.find((x) => x.id === id);
      if (!found) return fail(404, { action: 'remove' as const, errors: { form: m.console_material_gone() } as FieldErrors });
      return { action: 'remove' as const, confirm: { id, title: found.title, downloads: found.downloads } };
    }
    try {
      await api.del(`/api/admin/materials/${encodeURIComponent(id)}`);
    } catch (e) {
      return fail(400, { action: 'remove' as const, errors: formProblem(e) });
    }
    return { action: 'remove' as const, removed: true };
  },
};
