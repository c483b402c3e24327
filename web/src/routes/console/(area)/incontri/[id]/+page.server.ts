// The meeting day, on the organiser's phone: the roster with one-tap ticks (each tick is a small form,
// so it works without JavaScript too), a QR scanner (camera where the browser can read QR codes, and
// a text field everywhere), and the self check-in code for the projector.
import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { ApiError } from '$lib/server/api';
import { consoleApi } from '$lib/server/console';
import { text } from '$lib/server/console-forms';
import type { CheckInCode, QrCheckIn } from '$lib/components/console/types';
import type { Actions, PageServerLoad } from './$types';

const sessionPath = (id: string) => `/api/admin/sessions/${encodeURIComponent(id)}`;

export const load: PageServerLoad = async (event) => {
  const code = await consoleApi(event).get<CheckInCode>(`${sessionPath(event.params.id)}/check-in-code`);
  return { code };
};

export const actions: Actions = {
  mark: async (event) => {
    const form = await event.request.formData();
    const registrationId = text(form, 'registrationId');
    const present = form.get('present') === 'true';
    try {
      await consoleApi(event).put(`${sessionPath(event.params.id)}/attendance/${encodeURIComponent(registrationId)}`, { present });
    } catch (e) {
      if (e instanceof ApiError && e.status < 500) return fail(e.status, { action: 'mark' as const, registrationId, message: e.message });
      throw e;
    }
    return { action: 'mark' as const, registrationId, present };
  },

  qr: async (event) => {
    const qr = text(await event.request.formData(), 'qr');
    if (!qr) return fail(400, { action: 'qr' as const, qr, message: m.console_qr_empty() });
    try {
      const res = await consoleApi(event).post<QrCheckIn>(`${sessionPath(event.params.id)}/check-in/qr`, { qr });
      const r = res.registration;
      return { action: 'qr' as const, checkedIn: { name: `${r.firstName} ${r.lastName}`, organisation: r.organisation, alreadyPresent: res.alreadyPresent } };
    } catch (e) {
      if (e instanceof ApiError && e.status < 500) return fail(e.status, { action: 'qr' as const, qr, message: e.message });
      throw e;
    }
  },
};
