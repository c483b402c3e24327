// The self check-in code alone, for the projector: a full-screen page of its own (+page@.svelte leaves
// the console's layout out, `fullScreen` the site's header and footer), so it loads the meeting itself;
// without a sign-in the console API sends to the sign-in page, as the console's layout would.
import { CONSOLE_HEADERS, consoleApi } from '$lib/server/console';
import type { AdminCycle, CheckInCode, Roster } from '$lib/components/console/types';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  event.setHeaders(CONSOLE_HEADERS);
  const api = consoleApi(event);
  const path = `/api/admin/sessions/${encodeURIComponent(event.params.id)}`;
  const [roster, code] = await Promise.all([api.load<Roster>(`${path}/attendance`), api.load<CheckInCode>(`${path}/check-in-code`)]);
  const cycle = await api.load<AdminCycle>(`/api/admin/cycles/${roster.session.cycleId}`);
  return { session: roster.session, cycleTitle: cycle.title, code, now: new Date().toISOString(), fullScreen: true };
};
