// Themes (administrators only; the API answers 403 to anyone else): the list with how many cycles each
// has, a new theme, a theme's names, order and (while no cycle uses it) address, and deleting an unused
// one. A fresh installation has no theme, and no cycle can be created without one.
import { error, fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { ApiError } from '$lib/server/api';
import { consoleApi } from '$lib/server/console';
import { formProblem, integer, text } from '$lib/server/console-forms';
import type { FieldErrors, Theme } from '$lib/components/console/types';
import type { Actions, PageServerLoad } from './$types';

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const FIELDS = ['slug', 'nameIt', 'nameEn', 'position'];

export const load: PageServerLoad = async (event) => {
  // Every organiser may read the list (a cycle needs a theme), but this page is for changing it.
  const { account } = await event.parent();
  if (account.role !== 'administrator') error(403, { code: 'forbidden', message: m.console_error_forbidden_text() });
  const { items } = await consoleApi(event).load<{ items: Theme[] }>('/api/admin/themes');
  const editing = items.find((t) => t.slug === event.url.searchParams.get('modifica')) ?? null;
  return { themes: items, editing };
};

type Values = { slug: string; nameIt: string; nameEn: string; position: string };

function read(form: FormData): Values {
  return { slug: text(form, 'slug').toLowerCase(), nameIt: text(form, 'nameIt'), nameEn: text(form, 'nameEn'), position: text(form, 'position') };
}

/** Field errors in the page's language, and the body for the API. */
function check(v: Values): { errors: FieldErrors; body: { slug: string; nameIt: string; nameEn: string; position?: number } } {
  const errors: FieldErrors = {};
  if (!v.slug) errors.slug = m.console_theme_slug_required();
  else if (v.slug.length > 80 || !SLUG.test(v.slug)) errors.slug = m.console_theme_slug_invalid();
  if (!v.nameIt) errors.nameIt = m.console_account_name_required();
  if (!v.nameEn) errors.nameEn = m.console_account_name_required();
  const position = v.position === '' ? undefined : integer(v.position, 0, 10_000);
  if (position === null) errors.position = m.console_theme_position_invalid();
  return { errors, body: { slug: v.slug, nameIt: v.nameIt, nameEn: v.nameEn, ...(position != null && { position }) } };
}

/** A refusal of the API next to its field: a taken slug or a theme in use belong to the address. */
function problem(e: unknown): FieldErrors {
  if (e instanceof ApiError && (e.code === 'theme_slug_taken' || e.code === 'theme_in_use')) return { slug: e.message };
  return formProblem(e, FIELDS);
}

export const actions: Actions = {
  create: async (event) => {
    const values = read(await event.request.formData());
    const { errors, body } = check(values);
    if (Object.keys(errors).length > 0) return fail(400, { action: 'create' as const, values, errors });
    try {
      const theme = await consoleApi(event).post<Theme>('/api/admin/themes', body);
      return { action: 'create' as const, done: theme.name };
    } catch (e) {
      return fail(409, { action: 'create' as const, values, errors: problem(e) });
    }
  },

  update: async (event) => {
    const form = await event.request.formData();
    const current = text(form, 'current');
    const values = read(form);
    const { errors, body } = check(values);
    if (Object.keys(errors).length > 0) return fail(400, { action: 'update' as const, values, errors });
    try {
      const theme = await consoleApi(event).patch<Theme>(`/api/admin/themes/${encodeURIComponent(current)}`, body);
      return { action: 'update' as const, done: theme.name };
    } catch (e) {
      return fail(409, { action: 'update' as const, values, errors: problem(e) });
    }
  },

  remove: async (event) => {
    const form = await event.request.formData();
    const slug = text(form, 'slug');
    try {
      await consoleApi(event).del(`/api/admin/themes/${encodeURIComponent(slug)}`);
      return { action: 'remove' as const, done: text(form, 'name') || slug };
    } catch (e) {
      return fail(409, { action: 'remove' as const, errors: formProblem(e) });
    }
  },
};
