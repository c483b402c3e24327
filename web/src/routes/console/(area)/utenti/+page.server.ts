// Accounts (administrators only; the API answers 403 to anyone else): organisers and administrators,
// a new account with its generated password shown once, (de)activation, a new password. Assigning
// organisers to cycles is on each cycle's page.
import type { ApiJson } from '$lib/api/api.types';
import { randomBytes } from 'node:crypto';
import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { consoleApi } from '$lib/server/console';
import { formProblem, text } from '$lib/server/console-forms';
import type { Account, FieldErrors } from '$lib/components/console/types';
import type { Actions, PageServerLoad } from './$types';

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export const load: PageServerLoad = async (event) => {
  const { items } = await consoleApi(event).load<{ items: Account[] }>('/api/admin/accounts');
  return { accounts: items };
};

export const actions: Actions = {
  create: async (event) => {
    const form = await event.request.formData();
    const values = { name: text(form, 'name'), email: text(form, 'email'), role: text(form, 'role') === 'administrator' ? 'administrator' : 'organiser' };
    const errors: FieldErrors = {};
    if (!values.name) errors.name = m.console_account_name_required();
    if (!values.email) errors.email = m.error_email_required();
    else if (!EMAIL.test(values.email)) errors.email = m.error_email_invalid();
    if (Object.keys(errors).length > 0) return fail(400, { action: 'create' as const, values, errors });
    try {
      const res = await consoleApi(event).post<ApiJson<'/api/admin/accounts', 'post', 201>>('/api/admin/accounts', values);
      return { action: 'create' as const, created: { name: res.account.name, email: res.account.email, password: res.password } };
    } catch (e) {
      return fail(409, { action: 'create' as const, values, errors: formProblem(e, ['name', 'email', 'role']) });
    }
  },

  active: async (event) => {
    const form = await event.request.formData();
    const id = text(form, 'accountId');
    const active = form.get('active') === 'true';
    try {
      const a = await consoleApi(event).patch<Account>(`/api/admin/accounts/${encodeURIComponent(id)}`, { active });
      return { action: 'active' as const, done: { name: a.name, active: a.active } };
    } catch (e) {
      return fail(409, { action: 'active' as const, errors: formProblem(e) });
    }
  },

  password: async (event) => {
    const id = text(await event.request.formData(), 'accountId');
    // 18 random bytes: 24 characters, far above the minimum length.
    const password = randomBytes(18).toString('base64url');
    try {
      const a = await consoleApi(event).patch<Account>(`/api/admin/accounts/${encodeURIComponent(id)}`, { password });
      return { action: 'password' as const, created: { name: a.name, email: a.email, password } };
    } catch (e) {
      return fail(409, { action: 'password' as const, errors: formProblem(e) });
    }
  },
};
