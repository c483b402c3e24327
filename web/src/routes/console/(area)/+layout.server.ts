// Every console page but the sign-in: without a live sign-in the person goes to sign in and comes back.
import { CONSOLE_HEADERS, consoleApi } from '$lib/server/console';
import type { Me } from '$lib/components/console/types';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async (event) => {
  event.setHeaders(CONSOLE_HEADERS);
  const me = await consoleApi(event).get<Me>('/api/auth/me');
  return { account: me.account };
};
