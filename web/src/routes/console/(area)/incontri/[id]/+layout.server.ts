// One meeting: its roster (with the session itself) and its cycle, for the day view, the projector
// code and the move/cancel page.
import { consoleApi } from '$lib/server/console';
import type { AdminCycle, Roster } from '$lib/components/console/types';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async (event) => {
  const api = consoleApi(event);
  const roster = await api.load<Roster>(`/api/admin/sessions/${encodeURIComponent(event.params.id)}/attendance`);
  const cycle = await api.load<AdminCycle>(`/api/admin/cycles/${roster.session.cycleId}`);
  const index = cycle.sessions.findIndex((s) => s.id === roster.session.id);
  return { roster, cycle, index, now: new Date().toISOString() };
};
