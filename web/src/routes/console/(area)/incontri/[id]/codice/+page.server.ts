// The self check-in code alone, as large as the screen allows: for the projector.
import { consoleApi } from '$lib/server/console';
import type { CheckInCode } from '$lib/components/console/types';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const code = await consoleApi(event).get<CheckInCode>(`/api/admin/sessions/${encodeURIComponent(event.params.id)}/check-in-code`);
  return { code };
};
