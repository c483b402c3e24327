// The form action of the pages that mail a link to a typed address (/recupera-link, /dati): the address goes to an
// API route that always answers the same (202 and one message) whether or not the address is known; the
// page shows that message. A form action, so it works as a plain POST without JavaScript.
import { fail, type RequestEvent } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { ApiError, apiFor } from '$lib/server/api';

export function emailRequestAction(apiPath: string) {
  return async (event: RequestEvent) => {
    const raw = (await event.request.formData()).get('email');
    const email = typeof raw === 'string' ? raw.trim() : '';
    if (!email) return fail(400, { email, error: m.error_email_required(), problem: null });
    try {
      const res = await apiFor(event).post<{ status: 'accepted'; message: string }>(apiPath, { email });
      return { sent: true as const, message: res.message };
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      // The API's own text names the schema; ours tells the person what to type.
      if (e.status === 400) return fail(400, { email, error: m.error_email_invalid(), problem: null });
      if (e.status === 429) return fail(429, { email, error: null, problem: e.message });
      throw e;
    }
  };
}
