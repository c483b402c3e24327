// A cycle that has ended, for the browser tests of materials, certificates and each person's own data:
// three meetings held (moved into the past after sign-up, as organisers correct the record), people with
// different attendance, and materials of every visibility, uploaded through the organiser API (files)
// or written straight into the `materials` table (a link of the whole cycle).
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { assign, signedIn } from '../helpers/auth.ts';
import type { WebApp } from '../helpers/browser.ts';
import { cycleMovedTo, markPresent, multipart, pdf, type Person } from '../integration/materials.support.ts';

export const MATERIAL_TITLES = {
  slides: 'Slide del primo incontro',
  ebook: 'E-book del corso',
  recording: 'Registrazione del secondo incontro',
  handout: 'Dispensa del terzo incontro',
  bibliography: 'Bibliografia del ciclo',
} as const;

export interface EndedCycle {
  cycle: { id: string; slug: string; title: string };
  sessions: { id: string }[];
  /** Present at all three meetings: sees everything, gets the certificate. */
  anna: Person;
  /** Present at the first meeting only: below the threshold. */
  bruno: Person;
  /** On the waiting list: public materials only. */
  carla: Person;
  materialIds: Record<keyof typeof MATERIAL_TITLES, string>;
}

async function uploadFile(t: WebApp, headers: Record<string, string>, sessionId: string, title: string, visibility: string, fileName: string) {
  const body = multipart({ title, visibility }, { filename: fileName, content: await pdf(`${title}: contenuto di prova`) });
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/admin/sessions/${sessionId}/materials`,
    headers: { ...headers, ...body.headers },
    payload: body.payload,
  });
  if (res.statusCode !== 201) throw new Error(`upload failed: ${res.statusCode} ${res.body}`);
  return res.json().id as string;
}

export async function endedCycleWithMaterials(t: WebApp, opts: { title?: string } = {}): Promise<EndedCycle> {
  const db = t.database.db as Kysely<Database>;
  const { cycle, sessions, people } = await cycleMovedTo(t.app, db, {
    days: [-20, -13, -6],
    hours: 3,
    capacity: 2,
    title: opts.title ?? "L'accoglienza diffusa nei piccoli comuni",
    signUps: [
      { firstName: 'Anna', lastName: 'Bianchi' },
      { firstName: 'Bruno', lastName: 'Verdi' },
      { firstName: 'Carla', lastName: 'Neri' },
    ],
  });
  const [anna, bruno, carla] = people as [Person, Person, Person];
  if (anna.status !== 'confirmed' || bruno.status !== 'confirmed' || carla.status !== 'waitlisted') {
    throw new Error(`unexpected statuses: ${anna.status} ${bruno.status} ${carla.status}`);
  }
  const [s1, s2, s3] = [sessions[0]!, sessions[1]!, sessions[2]!];
  await markPresent(db, anna.id, [s1.id, s2.id, s3.id]);
  await markPresent(db, bruno.id, [s1.id]);
  await markPresent(db, bruno.id, [s2.id, s3.id], false);

  const organiser = await signedIn(t.app, db, 'organiser');
  await assign(db, cycle.id, organiser.account.id);
  const h = organiser.headers;
  const slides = await uploadFile(t, h, s1.id, MATERIAL_TITLES.slides, 'registered', 'slide-incontro-1.pdf');
  const recording = await uploadFile(t, h, s2.id, MATERIAL_TITLES.recording, 'attended', 'incontro-2.pdf');
  const handout = await uploadFile(t, h, s3.id, MATERIAL_TITLES.handout, 'public', 'dispensa.pdf');
  const link = await t.app.inject({
    method: 'POST',
    url: `/api/admin/sessions/${s1.id}/materials`,
    headers: h,
    payload: { title: MATERIAL_TITLES.ebook, url: 'https://example.org/ebook-officina', visibility: 'attended' },
  });
  if (link.statusCode !== 201) throw new Error(`link failed: ${link.statusCode} ${link.body}`);
  const bibliography = await db
    .insertInto('materials')
    .values({
      cycle_id: cycle.id,
      session_id: null,
      title: MATERIAL_TITLES.bibliography,
      kind: 'link',
      visibility: 'public',
      url: 'https://example.org/bibliografia',
    })
    .returning('id')
    .executeTakeFirstOrThrow();

  return {
    cycle: { id: cycle.id, slug: cycle.slug, title: cycle.title },
    sessions,
    anna,
    bruno,
    carla,
    materialIds: { slides, ebook: link.json().id, recording, handout, bibliography: bibliography.id },
  };
}

/** Issues the certificate (the first request of the PDF does) and returns its code. */
export async function issueCertificate(t: WebApp, token: string): Promise<string> {
  const res = await t.app.inject({ method: 'GET', url: `/api/registrations/${token}/certificate` });
  if (res.statusCode !== 200) throw new Error(`certificate: ${res.statusCode} ${res.body}`);
  const reg = await t.app.inject({ method: 'GET', url: `/api/registrations/${token}` });
  return reg.json().certificate.code as string;
}
