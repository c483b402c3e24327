// The page the one-time link opens: what is held about the address (a summary, and the whole JSON to
// download from the API), and "erase everything" with a confirmation box. The erasure uses the link up,
// then leaves for a page that needs no token. Unknown, expired and used links are one 404 page that
// offers to ask for a new one.
import type { ApiJson } from '$lib/api/api.types';
import { error, fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { href, pagePath } from '$lib/i18n';
import { m } from '$lib/paraglide/messages.js';
import { ApiError, apiFor } from '$lib/server/api';
import { PRIVATE_HEADERS } from '$lib/server/registration';
import type { Actions, PageServerLoad } from './$types';

interface PersonalData {
  participant: { email: string | null };
  registrations: { id: string; cycle: { slug: string; title: string }; status: 'confirmed' | 'waitlisted' | 'cancelled'; createdAt: string }[];
}

const dataPath = (token: string) => `/api/personal-data/${encodeURIComponent(token)}`;

function linkNotFound(e: unknown): never {
  if (e instanceof ApiError && e.status === 404) error(404, { code: 'personal_data_link_not_found', message: m.error_person_link_text() });
  if (e instanceof ApiError) error(e.status, { code: e.code, message: e.message });
  throw e;
}

export const load: PageServerLoad = async (event) => {
  event.setHeaders(PRIVATE_HEADERS);
  let data: PersonalData;
  try {
    data = await apiFor(event).get<PersonalData>(dataPath(event.params.token));
  } catch (e) {
    linkNotFound(e);
  }
  return {
    token: event.params.token,
    email: data.participant.email,
    registrations: data.registrations.map((r) => ({ id: r.id, cycleTitle: r.cycle.title, status: r.status, createdAt: r.createdAt })),
  };
};

export const actions: Actions = {
  default: async (event: RequestEvent & { params: { token: string } }) => {
    event.setHeaders(PRIVATE_HEADERS);
    const understood = (await event.request.formData()).get('understood') === 'yes';
    if (!understood) return fail(400, { error: m.person_page_erase_confirm_required() });
    let result: { registrations: number; cancelled: number };
    try {
      result = await apiFor(event).delete<ApiJson<'/api/personal-data/{token}', 'delete'>>(dataPath(event.params.token));
    } catch (e) {
      linkNotFound(e);
    }
    // Only counts travel in the address: nothing that names the person.
    redirect(303, `${href(pagePath.dataErased())}?iscrizioni=${result.registrations}&annullate=${result.cancelled}&tutto=1`);
  },
};
