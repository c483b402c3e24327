// The console's home: "Oggi" (today's meetings of the organiser's cycles, or the next ones) first, then
// the cycles this organiser runs (every cycle for an administrator), drafts included.
import type { ApiJson } from '$lib/api/api.types';
import type { MeetingDay } from '$lib/components/console/types';
import { consoleApi } from '$lib/server/console';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const api = consoleApi(event);
  const [{ items }, day] = await Promise.all([
    api.get<ApiJson<'/api/admin/cycles', 'get'>>('/api/admin/cycles'),
    api.get<MeetingDay>('/api/admin/sessions/today'),
  ]);
  return { cycles: items, day, now: day.now, created: event.url.searchParams.get('creato') === '1' };
};
