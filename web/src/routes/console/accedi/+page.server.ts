// Sign-in of organisers and administrators. The sign-in cookie is the API's own (set by
// POST /api/auth/login and handed to the browser as-is); after it the person goes back to the console
// page they asked for. Wrong password, throttling (429) and a refused origin are said in words.
import { fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { ApiError } from '$lib/server/api';
import { CONSOLE_HEADERS, currentAccount, safeNext, signIn } from '$lib/server/console';
import { text } from '$lib/server/console-forms';
import type { FieldErrors } from '$lib/components/console/types';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  event.setHeaders(CONSOLE_HEADERS);
  const q = event.url.searchParams;
  const next = safeNext(q.get('next'), event.locals.locale);
  if (await currentAccount(event)) redirect(303, next);
  return { next, expired: q.get('scaduta') === '1', signedOut: q.get('uscito') === '1' };
};

export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const email = text(form, 'email');
    const password = typeof form.get('password') === 'string' ? (form.get('password') as string) : '';
    const next = safeNext(text(form, 'next') || null, event.locals.locale);
    const errors: FieldErrors = {};
    if (!email) errors.email = m.console_signin_email_required();
    if (!password) errors.password = m.console_signin_password_required();
    if (Object.keys(errors).length > 0) return fail(400, { email, errors, throttled: false });
    try {
      await signIn(event, email, password);
    } catch (e) {
      if (!(e instanceof ApiError) || e.status >= 500) throw e;
      if (e.status === 429) return fail(429, { email, errors: { form: e.message } as FieldErrors, throttled: true });
      if (e.status === 401) return fail(401, { email, errors: { form: m.console_signin_invalid() } as FieldErrors, throttled: false });
      return fail(e.status, { email, errors: { form: e.message } as FieldErrors, throttled: false });
    }
    redirect(303, next);
  },
};
