// /qr/<check-in code>: what a participant's check-in QR encodes (pagePath.checkInPass). The organiser's
// scanner reads the code out of the address; a phone's own camera app opens this page, which tells the
// person what the code is for and where to show it. The code names nobody and the page looks nothing
// up, so it shows no one's data, whoever opens it; a string not shaped like a code is a 404.
import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import type { PageServerLoad } from './$types';

export const csr = false;

const CODE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.[A-Za-z0-9_-]{43}$/i;

export const load: PageServerLoad = async (event) => {
  // The code is a secret of one person: no caches, no search engines.
  event.setHeaders({ 'cache-control': 'no-store', 'x-robots-tag': 'noindex, nofollow' });
  if (!CODE.test(event.params.code)) error(404, { code: 'not_found', message: m.pass_not_found() });
  return {};
};
