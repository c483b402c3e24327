// Writing to everyone registered (by status), with a confirmation that says how many people will get
// it, and the cycle's mail log. Each form carries its own message id: a double submit sends once.
import type { ApiJson } from '$lib/api/api.types';
import { randomUUID } from 'node:crypto';
import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { consoleApi } from '$lib/server/console';
import { formProblem, text } from '$lib/server/console-forms';
import type { AdminCycle, FieldErrors } from '$lib/components/console/types';
import type { Actions, PageServerLoad } from './$types';

const STATUSES = ['confirmed', 'waitlisted', 'cancelled'] as const;
type Status = (typeof STATUSES)[number];
const cyclePath = (id: string) => `/api/admin/cycles/${encodeURIComponent(id)}`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const load: PageServerLoad = async (event) => {
  const { items } = await consoleApi(event).get<ApiJson<'/api/admin/cycles/{id}/mail-log', 'get'>>(`${cyclePath(event.params.id)}/mail-log?limit=200`);
  return { log: items, messageId: randomUUID() };
};

export const actions: Actions = {
  send: async (event) => {
    const form = await event.request.formData();
    const values = {
      subject: text(form, 'subject'),
      body: text(form, 'body'),
      statuses: form.getAll('statuses').filter((s): s is Status => (STATUSES as readonly string[]).includes(String(s))),
      messageId: UUID.test(text(form, 'messageId')) ? text(form, 'messageId') : randomUUID(),
    };
    const errors: FieldErrors = {};
    if (!values.subject) errors.subject = m.console_message_subject_required();
    else if (values.subject.length > 200 || /[\r\n]/.test(values.subject)) errors.subject = m.console_too_long({ max: 200 });
    if (!values.body) errors.body = m.console_message_body_required();
    else if (values.body.length > 20_000) errors.body = m.console_too_long({ max: 20_000 });
    if (values.statuses.length === 0) errors.statuses = m.console_message_statuses_required();
    if (Object.keys(errors).length > 0) return fail(400, { values, errors });

    const api = consoleApi(event);
    if (form.get('confirm') !== 'yes') {
      const cycle = await api.get<AdminCycle>(cyclePath(event.params.id));
      const count = values.statuses.reduce((n, s) => n + cycle.counts[s], 0);
      return { values, confirm: { count } };
    }
    try {
      const res = await api.post<ApiJson<'/api/admin/cycles/{id}/messages', 'post', 202>>(`${cyclePath(event.params.id)}/messages`, values);
      return { sent: { recipients: res.recipients, duplicate: res.duplicate } };
    } catch (e) {
      return fail(400, { values, errors: formProblem(e, ['subject', 'body', 'statuses']) });
    }
  },
};
