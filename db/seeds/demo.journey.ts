// The rest of the demo's finished cycle, so a newcomer sees the whole journey: its certificates and its
// materials, made through the app's own services (the certificates service issues them exactly as its
// periodic job does, so their PDFs and verification work; the materials go through the materials
// storage and its type check), and one participant's working "my registration" link.
//
// It runs once, right after seedDemoIfEmpty wrote the programme (which cannot call services: they open
// transactions of their own). The services are handed in by the composition root (server.ts), built with
// the silent notifier: nobody invented is mailed. Should the process die in between, the demo simply
// lacks these; the certificates job would still issue the certificates.
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { pagePath, siteUrl } from '../../server/lib/site.urls.ts';
import { tokenKit } from '../../server/lib/tokens.ts';
import { DEMO_CYCLES, type DemoCycle } from './demo.data.ts';
import { DEMO_PEOPLE } from './demo.people.ts';

/** One part of an upload, as the materials service reads it (its UploadPart). */
interface UploadPart {
  type: 'file' | 'field';
  fieldname: string;
  filename?: string;
  file?: Readable;
  value?: unknown;
}

/**
 * What the journey needs of the app's services (buildServices(...).services): described here rather
 * than imported, since server.ts imports the seeds and the modules must not depend back on it.
 */
export interface DemoServices {
  certificates: { issueForEndedCycles(): Promise<{ issued: number }> };
  materials: {
    uploadFile(target: { cycleId: string; sessionId: string | null }, parts: AsyncIterable<UploadPart>, accountId: string | null): Promise<unknown>;
  };
}

export interface DemoApp {
  /** The server's secret (loadOrCreateSecret): the showcase's link is derived from it, as every link is. */
  secretKey: string;
  publicUrl: string;
}

/** The finished cycle of the demo and the participant whose page after the cycle the start-up prints. */
export const PAST_CYCLE: DemoCycle & { showcase: string } = (() => {
  const past = DEMO_CYCLES.find((c) => c.showcase);
  if (!past?.showcase) throw new Error('demo programme: no finished cycle with a showcase participant');
  return past as DemoCycle & { showcase: string };
})();

/** A few landscape pages of "slides" (title and bullet points): a real PDF a person can open. */
async function slidesPdf(title: string, slides: { heading: string; points: string[] }[]): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: 56, lang: 'it', info: { Title: title, Author: 'Officina (demo)' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.font('Helvetica-Bold').fontSize(30).fillColor('#0059b3').text(title, { align: 'center' });
  doc.moveDown().font('Helvetica').fontSize(16).fillColor('#1a1a1a').text(PAST_CYCLE.title, { align: 'center' });
  for (const s of slides) {
    doc.addPage();
    doc.font('Helvetica-Bold').fontSize(26).fillColor('#0059b3').text(s.heading);
    doc.moveDown().font('Helvetica').fontSize(18).fillColor('#1a1a1a').list(s.points, { bulletRadius: 3, paragraphGap: 8 });
  }
  doc.end();
  return done;
}

function parts(fileName: string, bytes: Buffer, title: string, visibility: 'public' | 'registered' | 'attended'): AsyncIterable<UploadPart> {
  return (async function* () {
    yield { type: 'file', fieldname: 'file', filename: fileName, file: Readable.from([bytes]) };
    yield { type: 'field', fieldname: 'title', value: title };
    yield { type: 'field', fieldname: 'visibility', value: visibility };
  })();
}

async function showcaseRegistration(db: Kysely<Database>) {
  return db
    .selectFrom('registrations as r')
    .innerJoin('cycles as c', 'c.id', 'r.cycle_id')
    .innerJoin('participants as p', 'p.id', 'r.participant_id')
    .select(['r.id', 'r.token_version', 'r.calendar_token_version', 'c.id as cycle_id'])
    .where('c.slug', '=', PAST_CYCLE.slug)
    .where('p.email', '=', DEMO_PEOPLE[PAST_CYCLE.showcase]!.email)
    .where('r.anonymised_at', 'is', null)
    .executeTakeFirst();
}

/**
 * "My registration" of the showcase participant, as the person's own link (null once that registration
 * is gone or erased). Derived from the secret each time, so a restart prints the link again.
 */
export async function demoShowcaseLink(db: Kysely<Database>, app: Pick<DemoApp, 'secretKey' | 'publicUrl'>): Promise<string | null> {
  const r = await showcaseRegistration(db);
  if (!r) return null;
  const token = tokenKit(Buffer.from(app.secretKey, 'utf8')).token('manage', r.id, r.token_version);
  return siteUrl(app.publicUrl, pagePath.registration(token));
}

/** Certificates, materials and the showcase's working links of the finished demo cycle. */
export async function completeDemoJourney(db: Kysely<Database>, services: DemoServices, app: DemoApp): Promise<{ certificates: number; materials: number }> {
  const showcase = await showcaseRegistration(db);
  if (!showcase) throw new Error('demo programme: the showcase registration is missing');
  // Demo rows carry unusable tokens; this one gets the real ones, so its page and feed open.
  const tokens = tokenKit(Buffer.from(app.secretKey, 'utf8'));
  await db
    .updateTable('registrations')
    .set({
      token_hash: tokens.issue('manage', showcase.id, showcase.token_version).hash,
      calendar_token_hash: tokens.issue('calendar', showcase.id, showcase.calendar_token_version).hash,
    })
    .where('id', '=', showcase.id)
    .execute();

  const { issued } = await services.certificates.issueForEndedCycles();

  const [first] = await db.selectFrom('sessions').select('id').where('cycle_id', '=', showcase.cycle_id).orderBy('starts_at').limit(1).execute();
  const slides = await slidesPdf('Tre reti a confronto', [
    { heading: 'Le tre reti', points: ['Distretto Visconteo Sudmilano', 'Ambito di Dalmine', 'Rete di Garbagnate Milanese'] },
    { heading: 'Attori, regole, risorse', points: ['Chi partecipa e con quale ruolo', 'Accordi e protocolli in vigore', 'Fondi e personale dedicati'] },
  ]);
  await services.materials.uploadFile(
    { cycleId: showcase.cycle_id, sessionId: first!.id },
    parts('slide-primo-incontro.pdf', slides, 'Slide del primo incontro', 'attended'),
    null,
  );
  const summary = await slidesPdf('Sintesi dei lavori', [
    { heading: 'Che cosa resta dopo il progetto', points: ['Un tavolo di coordinamento stabile', 'Strumenti di lavoro comuni', 'Risorse proprie dei Comuni'] },
  ]);
  await services.materials.uploadFile(
    { cycleId: showcase.cycle_id, sessionId: null },
    parts('sintesi-dei-lavori.pdf', summary, 'Sintesi dei lavori del laboratorio', 'registered'),
    null,
  );
  return { certificates: issued, materials: 2 };
}
