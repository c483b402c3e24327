// Changing one's own password (the account's other sign-ins end; this one stays).
import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { ApiError } from '$lib/server/api';
import { consoleApi } from '$lib/server/console';
import { formProblem } from '$lib/server/console-forms';
import type { FieldErrors } from '$lib/components/console/types';
import type { Actions } from './$types';

// The API's rule (server/modules/accounts/passwords.policy.ts); it also refuses common passwords.
const MIN = 12;

export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const str = (k: string) => (typeof form.get(k) === 'string' ? (form.get(k) as string) : '');
    const current = str('currentPassword');
    const next = str('newPassword');
    const again = str('newPasswordAgain');
    const errors: FieldErrors = {};
    if (!current) errors.currentPassword = m.console_signin_password_required();
    if (next.length < MIN) errors.newPassword = m.console_password_too_short({ min: MIN });
    else if (next.length > 200) errors.newPassword = m.console_too_long({ max: 200 });
    if (!errors.newPassword && again !== next) errors.newPasswordAgain = m.console_password_mismatch();
    if (Object.keys(errors).length > 0) return fail(400, { errors });
    try {
      await consoleApi(event).post('/api/auth/password', { currentPassword: current, newPassword: next });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'wrong_password') return fail(400, { errors: { currentPassword: e.message } as FieldErrors });
      if (e instanceof ApiError && e.code === 'weak_password') return fail(400, { errors: { newPassword: m.console_password_weak() } as FieldErrors });
      return fail(400, { errors: formProblem(e, ['currentPassword', 'newPassword']) });
    }
    return { done: true };
  },
};
