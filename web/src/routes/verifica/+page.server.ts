// /verifica: the form to type a certificate's code. /verifica?code=... (the form, sent without JavaScript)
// goes to /verifica/<CODE> when the code has the right shape; the API decides whether it is valid.
import { redirect } from '@sveltejs/kit';
import { href, pagePath } from '$lib/i18n';
import { m } from '$lib/paraglide/messages.js';
import type { PageServerLoad } from './$types';

export const csr = false;

/** As the API reads codes: any case, spaces and dashes between groups ignored. */
const normalise = (raw: string) => raw.replace(/[\s-]/g, '').toUpperCase();

export const load: PageServerLoad = async ({ url }) => {
  const raw = url.searchParams.get('code');
  if (raw === null) return { value: '', error: null };
  const code = normalise(raw);
  if (!code) return { value: raw, error: m.verify_code_required() };
  if (!/^[A-Z0-9]{12}$/.test(code)) return { value: raw.slice(0, 40), error: m.verify_code_invalid() };
  redirect(303, href(pagePath.verify(code)));
};
