// After an erasure: the token is gone, so this page needs none. The counts come in the address (numbers
// only) from iscrizione/[token]/dati/elimina (one registration) or dati/[token] (`tutto=1`: everything
// linked to the address).
import type { PageServerLoad } from './$types';

export const csr = false;

const count = (v: string | null) => {
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 && n < 10_000 ? n : null;
};

export const load: PageServerLoad = async ({ url, setHeaders }) => {
  setHeaders({ 'cache-control': 'no-store', 'x-robots-tag': 'noindex, nofollow' });
  return {
    registrations: count(url.searchParams.get('iscrizioni')),
    cancelled: count(url.searchParams.get('annullate')),
    everything: url.searchParams.get('tutto') === '1',
  };
};
