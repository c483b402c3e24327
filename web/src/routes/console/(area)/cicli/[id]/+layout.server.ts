// One cycle of the console: every tab (overview, registrations, messages, materials, statistics)
// starts from it. Someone else's cycle and an unknown id look the same (403/404 page).
import { consoleApi } from '$lib/server/console';
import type { AdminCycle } from '$lib/components/console/types';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async (event) => {
  const cycle = await consoleApi(event).load<AdminCycle>(`/api/admin/cycles/${encodeURIComponent(event.params.id)}`);
  return { cycle, now: new Date().toISOString() };
};
