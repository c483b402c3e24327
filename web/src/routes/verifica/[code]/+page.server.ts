// /verifica/<code>: the public check of a certificate (the address printed, with a QR, on every PDF).
// Shows only what the API returns: name, cycle, dates, attendance, credits and who issued it. An unknown or forged code is a 404,
// rendered by ../+error.svelte with the form to try again.
import { error, redirect } from '@sveltejs/kit';
import { href, pagePath } from '$lib/i18n';
import { m } from '$lib/paraglide/messages.js';
import { ApiError, apiFor } from '$lib/server/api';
import type { CertificateVerification } from '$lib/types';
import type { PageServerLoad } from './$types';

export const csr = false;

export const load: PageServerLoad = async (event) => {
  // A person's name is on the page: no caches, no search engines.
  event.setHeaders({ 'cache-control': 'no-store', 'x-robots-tag': 'noindex, nofollow' });
  let certificate: CertificateVerification;
  try {
    certificate = await apiFor(event).get<CertificateVerification>(`/api/certificates/${encodeURIComponent(event.params.code)}`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) error(404, { code: 'certificate_not_found', message: m.verify_not_found_title() });
    throw e;
  }
  // Typed in lower case or with dashes: the canonical address, so every copy of a link is the same.
  if (certificate.code !== event.params.code) redirect(301, href(pagePath.verify(certificate.code)));
  return { certificate };
};
