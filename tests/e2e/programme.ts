// The small programme every browser test starts from: cycles that differ in theme, format, period and
// seats, so filters, waiting list and closed states all have something to show.
import type { WebApp } from '../helpers/browser.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';

export async function seedProgramme(t: WebApp) {
  const db = t.database.db;
  const mediazione = await createCycle(db, {
    slug: 'mediazione-interculturale',
    title: 'La mediazione interculturale',
    themeSlug: 'mediazione',
    format: 'in_person',
    capacity: 10,
  });
  const comunicazione = await createCycle(db, {
    slug: 'comunicazione-generativa',
    title: 'Comunicazione generativa e inclusiva',
    themeSlug: 'comunicazione',
    format: 'online',
    capacity: 20,
  });
  const past = await createCycle(db, {
    slug: 'welfare-di-comunita-2025',
    title: 'Welfare di comunità (edizione conclusa)',
    themeSlug: 'welfare',
    format: 'hybrid',
    sessionDays: [-40, -33],
  });
  const waitlist = await createCycle(db, {
    slug: 'valutare-i-progetti',
    title: 'Valutare i progetti di comunità',
    themeSlug: 'welfare',
    format: 'in_person',
    capacity: 1,
  });
  const closed = await createCycle(db, {
    slug: 'coprogettazione',
    title: 'Co-progettazione e co-programmazione',
    themeSlug: 'coprogettazione',
    registrationClosesAt: new Date(Date.now() - 3_600_000),
  });
  const fullNoWaitlist = await createCycle(db, {
    slug: 'emergenza-ucraina',
    title: "L'accoglienza dopo l'emergenza Ucraina",
    themeSlug: 'accoglienza',
    capacity: 1,
    waitlistEnabled: false,
  });
  const upcoming = await createCycle(db, {
    slug: 'partecipazione-attiva',
    title: 'Partecipazione attiva dei migranti e associazioni',
    themeSlug: 'partecipazione',
    registrationOpensAt: new Date(Date.now() + 2 * 86_400_000),
  });
  // One seat taken and one person waiting: the next one would be number 2 on the list.
  for (const slug of ['valutare-i-progetti', 'valutare-i-progetti', 'emergenza-ucraina']) {
    const res = await t.app.inject({ method: 'POST', url: `/api/cycles/${slug}/registrations`, payload: registrationBody() });
    if (res.statusCode !== 201) throw new Error(`seed registration failed: ${res.statusCode} ${res.body}`);
  }
  return { mediazione, comunicazione, past, waitlist, closed, fullNoWaitlist, upcoming };
}

export async function seatsLeft(t: WebApp, slug: string): Promise<number> {
  const res = await t.app.inject({ method: 'GET', url: `/api/cycles/${slug}` });
  return (res.json() as { seatsLeft: number }).seatsLeft;
}

/** The token at the end of a /iscrizione/<token> address. */
export function tokenOf(url: string): string {
  return new URL(url).pathname.split('/').filter(Boolean).pop()!;
}

export const person = (n: string) => ({
  firstName: 'Giulia',
  lastName: 'Rossi',
  email: `giulia.rossi.${n}.${process.pid}@comune.example.it`,
  organisation: 'Comune di Bergamo',
  role: 'Assistente sociale',
  network: 'Ambito di Dalmine',
});
