// The catalogue. A plain GET form filters it, so it works the same with or without JavaScript, and the
// page ships no JavaScript at all (csr = false): reading and filtering need none.
import { apiFor } from '$lib/server/api';
import type { CycleFormat } from '$lib/types';
import type { PageServerLoad } from './$types';

export const csr = false;

const WHEN = ['upcoming', 'past', 'all'] as const;
const FORMATS: readonly CycleFormat[] = ['in_person', 'online', 'hybrid'];
type When = (typeof WHEN)[number];

export const load: PageServerLoad = async (event) => {
  const q = event.url.searchParams;
  const when: When = (WHEN as readonly string[]).includes(q.get('when') ?? '') ? (q.get('when') as When) : 'upcoming';
  const format = (FORMATS as readonly string[]).includes(q.get('format') ?? '') ? (q.get('format') as CycleFormat) : '';
  const theme = (q.get('theme') ?? '').trim().slice(0, 80);

  const api = apiFor(event);
  const [cycles, themes] = await Promise.all([api.catalogue({ when, ...(theme ? { theme } : {}) }), api.themes()]);
  // The API filters by period and theme; the format is a small list filtered here.
  const items = format ? cycles.items.filter((c) => c.format === format) : cycles.items;
  return {
    cycles: items,
    themes: themes.items,
    filters: { when, format, theme: themes.items.some((t) => t.slug === theme) ? theme : '' },
    filtered: when !== 'upcoming' || format !== '' || theme !== '',
  };
};
