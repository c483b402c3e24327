// Moving or cancelling a meeting. Both take two steps: the first says what will happen (everyone
// registered is told by e-mail, and their calendars update; a move shows the old and the new time, and
// warns when the new time has already begun), the second does it.
import type { ApiJson } from '$lib/api/api.types';
import { fail, redirect } from '@sveltejs/kit';
import { href, pagePath } from '$lib/i18n';
import { siteConfig } from '$lib/server/api';
import { consoleApi } from '$lib/server/console';
import { formProblem } from '$lib/server/console-forms';
import { SESSION_FIELDS, checkSession, readSession, sessionFormName, sessionValues } from '$lib/server/console-session-form';
import type { Roster } from '$lib/components/console/types';
import { sessionChangeAudience } from '../../../../../../../../server/modules/notifications/notifications.service.ts';
import type { Actions, PageServerLoad } from './$types';

const sessionPath = (id: string) => `/api/admin/sessions/${encodeURIComponent(id)}`;

export const load: PageServerLoad = async (event) => {
  const { roster, cycle } = await event.parent();
  return {
    values: sessionValues(roster.session, siteConfig().timezone),
    // How many people each step emails, by the rule the notifier sends by (not a copy of it).
    told: { moved: sessionChangeAudience('moved', cycle.counts), cancelled: sessionChangeAudience('cancelled', cycle.counts) },
  };
};

export const actions: Actions = {
  move: async (event) => {
    const form = await event.request.formData();
    const values = readSession(form);
    const { errors, body } = checkSession(values, siteConfig().timezone);
    if (Object.keys(errors).length > 0) return fail(400, { action: 'move' as const, values, errors });
    // Only what was changed is sent (the form shows whole minutes: an untouched time stays as stored).
    // Nothing changed: nobody is told, so there is nothing to confirm either.
    const { session } = await consoleApi(event).get<Roster>(`${sessionPath(event.params.id)}/attendance`);
    const minute = (iso: string) => Math.floor(Date.parse(iso) / 60_000);
    const patch = {
      ...(body.title !== session.title && { title: body.title }),
      ...(minute(body.startsAt) !== minute(session.startsAt) && { startsAt: body.startsAt }),
      ...(minute(body.endsAt) !== minute(session.endsAt) && { endsAt: body.endsAt }),
      ...(body.location !== session.location && { location: body.location }),
      ...(body.onlineUrl !== session.onlineUrl && { onlineUrl: body.onlineUrl }),
    };
    if (Object.keys(patch).length === 0) return { action: 'move' as const, values, unchanged: true };
    if (form.get('confirm') !== 'yes') {
      const timeChanged = 'startsAt' in patch || 'endsAt' in patch;
      return {
        action: 'move' as const,
        values,
        confirm: true,
        from: { startsAt: session.startsAt, endsAt: session.endsAt },
        to: { startsAt: body.startsAt, endsAt: body.endsAt },
        timeChanged,
        // Allowed, after this warning: organisers correct the record (a meeting held on another day), and
        // attendance and the certificate's hours follow the meeting's time (docs/http-api.md).
        past: timeChanged && Date.parse(body.startsAt) < Date.now(),
      };
    }
    let cycleId: string;
    try {
      const res = await consoleApi(event).patch<ApiJson<'/api/admin/sessions/{id}', 'patch'>>(sessionPath(event.params.id), patch);
      cycleId = (await consoleApi(event).get<ApiJson<'/api/admin/sessions/{id}/attendance', 'get'>>(`${sessionPath(event.params.id)}/attendance`)).session
        .cycleId;
      if (res.change === null) return { action: 'move' as const, values, unchanged: true };
    } catch (e) {
      return fail(400, { action: 'move' as const, values, errors: formProblem(e, SESSION_FIELDS, sessionFormName) });
    }
    redirect(303, `${href(pagePath.console.cycle(cycleId), event.locals.locale)}?spostato=1#session-${event.params.id}`);
  },

  restore: async (event) => {
    const form = await event.request.formData();
    if (form.get('confirm') !== 'yes') return { action: 'restore' as const, confirm: true };
    try {
      await consoleApi(event).patch(sessionPath(event.params.id), { status: 'scheduled' });
    } catch (e) {
      return fail(409, { action: 'restore' as const, errors: formProblem(e) });
    }
    return { action: 'restore' as const, done: true };
  },

  cancel: async (event) => {
    const form = await event.request.formData();
    if (form.get('confirm') !== 'yes') return { action: 'cancel' as const, confirm: true };
    let cycleId: string;
    try {
      await consoleApi(event).patch(sessionPath(event.params.id), { status: 'cancelled' });
      cycleId = (await consoleApi(event).get<ApiJson<'/api/admin/sessions/{id}/attendance', 'get'>>(`${sessionPath(event.params.id)}/attendance`)).session
        .cycleId;
    } catch (e) {
      return fail(409, { action: 'cancel' as const, errors: formProblem(e) });
    }
    redirect(303, `${href(pagePath.console.cycle(cycleId), event.locals.locale)}?annullato=1#session-${event.params.id}`);
  },
};
