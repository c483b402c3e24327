// The meeting day, on the organiser's phone: the roster first, with a search that works as one types
// (and as a plain GET ?q= without JavaScript), one-tap marks in three states (each its own small form),
// "everyone present" for those not yet marked (two steps: the first says how many), a person who walked
// in added and marked present at once, a QR scanner, and the self check-in code for the projector.
import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { ApiError } from '$lib/server/api';
import { consoleApi } from '$lib/server/console';
import { text } from '$lib/server/console-forms';
import { walkIn } from '$lib/server/console-walkin';
import type { CheckInCode, MarkAll, QrCheckIn, Roster } from '$lib/components/console/types';
import type { Actions, PageServerLoad } from './$types';

const sessionPath = (id: string) => `/api/admin/sessions/${encodeURIComponent(id)}`;

export const load: PageServerLoad = async (event) => {
  const code = await consoleApi(event).get<CheckInCode>(`${sessionPath(event.params.id)}/check-in-code`);
  return { code, q: event.url.searchParams.get('q')?.slice(0, 100) ?? '' };
};

/** The three states as the roster's forms send them: "true", "false", and "" for "not marked". */
function parsePresent(value: FormDataEntryValue | null): boolean | null {
  return value === 'true' ? true : value === 'false' ? false : null;
}

function refused<A extends 'mark' | 'markAll' | 'qr'>(action: A, e: unknown, extra: Record<string, string> = {}) {
  if (e instanceof ApiError && e.status < 500) return fail(e.status, { action, ...extra, message: e.message });
  throw e;
}

export const actions: Actions = {
  mark: async (event) => {
    const form = await event.request.formData();
    const registrationId = text(form, 'registrationId');
    const present = parsePresent(form.get('present'));
    try {
      await consoleApi(event).put(`${sessionPath(event.params.id)}/attendance/${encodeURIComponent(registrationId)}`, { present });
    } catch (e) {
      return refused('mark', e, { registrationId });
    }
    return { action: 'mark' as const, registrationId, present };
  },

  markAll: async (event) => {
    const form = await event.request.formData();
    const api = consoleApi(event);
    if (form.get('confirm') !== 'yes') {
      const roster = await api.get<Roster>(`${sessionPath(event.params.id)}/attendance`);
      const waiting = roster.items.filter((r) => r.status === 'confirmed' && r.present === null).length;
      return { action: 'markAll' as const, confirm: waiting };
    }
    try {
      const res = await api.post<MarkAll>(`${sessionPath(event.params.id)}/attendance/all-present`);
      return { action: 'markAll' as const, marked: res.marked };
    } catch (e) {
      return refused('markAll', e);
    }
  },

  qr: async (event) => {
    const qr = text(await event.request.formData(), 'qr');
    if (!qr) return fail(400, { action: 'qr' as const, qr, message: m.console_qr_empty() });
    try {
      const res = await consoleApi(event).post<QrCheckIn>(`${sessionPath(event.params.id)}/check-in/qr`, { qr });
      const r = res.registration;
      return { action: 'qr' as const, checkedIn: { name: `${r.firstName} ${r.lastName}`, organisation: r.organisation, alreadyPresent: res.alreadyPresent } };
    } catch (e) {
      return refused('qr', e, { qr });
    }
  },

  walkIn: async (event) => {
    const roster = await consoleApi(event).get<Roster>(`${sessionPath(event.params.id)}/attendance`);
    return walkIn(event, roster.session.cycleId, roster.session.id);
  },
};
