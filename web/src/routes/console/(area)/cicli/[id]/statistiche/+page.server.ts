// The numbers of a cycle, drawn as charts: sign-ups over time, attendance per meeting, by territorial
// network and by organisation.
import { consoleApi } from '$lib/server/console';
import type { CycleStats } from '$lib/components/console/types';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const stats = await consoleApi(event).get<CycleStats>(`/api/admin/cycles/${encodeURIComponent(event.params.id)}/stats`);
  return { stats };
};
