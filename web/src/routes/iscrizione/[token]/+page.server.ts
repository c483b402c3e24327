// "La mia iscrizione": reached from the confirmation, the email and bookmarks. Nothing to submit here
// (cancelling has its own confirmation page), so the page ships no JavaScript.
import { loadRegistration, webcalOf } from '$lib/server/registration';
import type { PageServerLoad } from './$types';

export const csr = false;

export const load: PageServerLoad = async (event) => {
  const { registration, cycle } = await loadRegistration(event);
  const q = event.url.searchParams;
  return {
    registration,
    cycle,
    token: event.params.token,
    webcalUrl: registration.webcalUrl ?? webcalOf(registration.calendarUrl),
    justRegistered: q.get('nuova') === '1',
    justCancelled: q.get('annullata') === '1',
  };
};
