// Sign-out: a form post from the console bar (a link would let any page sign people out). The sign-in
// ends server-side; the cookie goes.
import { redirect } from '@sveltejs/kit';
import { href, pagePath } from '$lib/i18n';
import { signOut } from '$lib/server/console';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  redirect(303, href(pagePath.console.home(), event.locals.locale));
};

export const actions: Actions = {
  default: async (event) => {
    await signOut(event);
    redirect(303, `${href(pagePath.console.signIn(), event.locals.locale)}?uscito=1`);
  },
};
