// The walk-in form's action, shared by a cycle's registrations page and a meeting's day page (where
// the person is also marked present at that meeting: the API's presentAt). Each field gets a message a
// person understands; the API checks everything again.
import type { ApiJson } from '$lib/api/api.types';
import { fail, type RequestEvent } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { ApiError } from '$lib/server/api';
import { consoleApi } from '$lib/server/console';
import { formProblem, text } from '$lib/server/console-forms';
import type { FieldErrors } from '$lib/components/console/types';

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const WALK_IN_FIELDS = ['firstName', 'lastName', 'email', 'organisation', 'role', 'network', 'consent'];

function readWalkIn(form: FormData) {
  return {
    firstName: text(form, 'firstName'),
    lastName: text(form, 'lastName'),
    email: text(form, 'email'),
    organisation: text(form, 'organisation'),
    role: text(form, 'role'),
    network: text(form, 'network'),
    source: text(form, 'source') === 'organiser' ? ('organiser' as const) : ('walk_in' as const),
    consent: form.get('consent') === 'yes',
    addSeat: form.get('addSeat') === 'yes',
  };
}

/** Adds the person of the walk-in form to `cycleId`; with `presentAt`, marked present at that meeting. */
export async function walkIn(event: RequestEvent, cycleId: string, presentAt?: string) {
  const values = readWalkIn(await event.request.formData());
  const errors: FieldErrors = {};
  if (!values.firstName) errors.firstName = m.error_first_name_required();
  if (!values.lastName) errors.lastName = m.error_last_name_required();
  if (!values.email) errors.email = m.error_email_required();
  else if (!EMAIL.test(values.email)) errors.email = m.error_email_invalid();
  if (!values.organisation) errors.organisation = m.error_organisation_required();
  if (!values.consent) errors.consent = m.console_walkin_consent_required();
  if (Object.keys(errors).length > 0) return fail(400, { action: 'walkIn' as const, values, errors });
  try {
    const res = await consoleApi(event).post<ApiJson<'/api/admin/cycles/{id}/registrations', 'post', 201>>(
      `/api/admin/cycles/${encodeURIComponent(cycleId)}/registrations`,
      { ...values, role: values.role || null, network: values.network || null, consent: true, locale: event.locals.locale, presentAt },
    );
    const r = res.registration;
    const present = presentAt !== undefined && r.attendance.sessions.some((s) => s.sessionId === presentAt && s.present);
    return { action: 'walkIn' as const, done: true, name: `${r.firstName} ${r.lastName}`, status: r.status, position: r.waitlistPosition, present };
  } catch (e) {
    if (e instanceof ApiError && e.code === 'cycle_full') return fail(409, { action: 'walkIn' as const, values, errors: { addSeat: m.console_walkin_full() } });
    return fail(400, { action: 'walkIn' as const, values, errors: formProblem(e, WALK_IN_FIELDS) });
  }
}
