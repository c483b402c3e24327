// "I miei cicli": the cycles this organiser runs (every cycle for an administrator), drafts included.
import type { ApiJson } from '$lib/api/api.types';
import { consoleApi } from '$lib/server/console';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { items } = await consoleApi(event).get<ApiJson<'/api/admin/cycles', 'get'>>('/api/admin/cycles');
  return { cycles: items, now: new Date().toISOString(), created: event.url.searchParams.get('creato') === '1' };
};
