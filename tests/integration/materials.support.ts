// Shared pieces of the materials, certificates, privacy and links tests (not a test file itself): real
// files of each kind built byte by byte (a stored zip writer for the Office, OpenDocument and EPUB
// formats), multipart bodies written by hand (so file names can carry anything, NUL included),
// participants signed up through the real API, and a scan of every column of every table.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { sql, type Kysely } from 'kysely';
import PDFDocument from 'pdfkit';
import { expect } from 'vitest';
import type { Database } from '../../db/schema.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';

// ---- files ------------------------------------------------------------------------------------------

/** A zip with stored (uncompressed) entries, in the given order. */
export function zip(entries: [string, string | Buffer][]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of entries) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const centralDir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralDir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralDir, end]);
}

const ooxml = (main: string, dir: string) =>
  zip([
    [
      '[Content_Types].xml',
      `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
        `<Default Extension="xml" ContentType="application/xml"/><Override PartName="/${dir}" ContentType="${main}"/></Types>`,
    ],
    ['_rels/.rels', '<?xml version="1.0"?><Relationships/>'],
    [dir, '<?xml version="1.0"?><x/>'],
  ]);

const opendocument = (mime: string) =>
  zip([
    ['mimetype', mime],
    ['content.xml', '<?xml version="1.0"?><office:document-content/>'],
  ]);

export async function pdf(text = 'Slide del primo incontro'): Promise<Buffer> {
  const doc = new PDFDocument();
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  doc.text(text);
  doc.end();
  return done;
}

/** A file of each accepted kind, with the type file-type must report. */
export async function allowedSamples(): Promise<{ name: string; bytes: Buffer; mime: string }[]> {
  return [
    { name: 'slide.pdf', bytes: await pdf(), mime: 'application/pdf' },
    {
      name: 'relazione.docx',
      bytes: ooxml('application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml', 'word/document.xml'),
      mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    },
    {
      name: 'presentazione.pptx',
      bytes: ooxml('application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml', 'ppt/presentation.xml'),
      mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    },
    {
      name: 'dati.xlsx',
      bytes: ooxml('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml', 'xl/workbook.xml'),
      mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    },
    { name: 'testo.odt', bytes: opendocument('application/vnd.oasis.opendocument.text'), mime: 'application/vnd.oasis.opendocument.text' },
    {
      name: 'slide.odp',
      bytes: opendocument('application/vnd.oasis.opendocument.presentation'),
      mime: 'application/vnd.oasis.opendocument.presentation',
    },
    { name: 'ebook.epub', bytes: opendocument('application/epub+zip'), mime: 'application/epub+zip' },
    { name: 'foto.png', bytes: png(), mime: 'image/png' },
    { name: 'foto.jpg', bytes: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0'), randomBytes(64)]), mime: 'image/jpeg' },
    { name: 'registrazione.mp4', bytes: mp4(), mime: 'video/mp4' },
  ];
}

/** A real 1×1 PNG (signature, IHDR, IDAT, IEND with their CRCs). */
export function png(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.from([0, 0x00, 0x59, 0xb3]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export function mp4(): Buffer {
  const ftyp = Buffer.alloc(24);
  ftyp.writeUInt32BE(24, 0);
  ftyp.write('ftypisom', 4, 'latin1');
  ftyp.writeUInt32BE(0x200, 12);
  ftyp.write('isomiso2', 16, 'latin1');
  return Buffer.concat([ftyp, Buffer.from([0, 0, 0, 8]), Buffer.from('free', 'latin1'), randomBytes(64)]);
}

/** Content that must be refused whatever its name says. */
export function forbiddenSamples(): { what: string; bytes: Buffer }[] {
  const elf = Buffer.alloc(64);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]).copy(elf);
  const pe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(58), Buffer.from([0x80, 0, 0, 0]), Buffer.alloc(64), Buffer.from('PE\0\0'), randomBytes(64)]);
  return [
    { what: 'HTML with a script', bytes: Buffer.from('<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>') },
    { what: 'SVG with a script', bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>') },
    { what: 'ELF executable', bytes: elf },
    { what: 'Windows executable', bytes: pe },
    { what: 'shell script', bytes: Buffer.from('#!/bin/sh\nrm -rf /\n') },
    { what: 'a plain zip', bytes: zip([['setup.exe', pe]]) },
    { what: 'an empty file', bytes: Buffer.alloc(0) },
  ];
}

// ---- multipart --------------------------------------------------------------------------------------

export interface FilePart {
  name?: string;
  filename: string | Buffer;
  contentType?: string;
  content: Buffer;
}

/** A multipart/form-data body written by hand: the file name goes in as raw bytes. */
export function multipart(fields: Record<string, string>, file?: FilePart): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----officina${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`, 'utf8'));
  }
  if (file) {
    const fname = Buffer.isBuffer(file.filename) ? file.filename : Buffer.from(file.filename, 'utf8');
    parts.push(
      Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.name ?? 'file'}"; filename="`, 'utf8'),
        fname,
        Buffer.from(`"\r\nContent-Type: ${file.contentType ?? 'application/pdf'}\r\n\r\n`, 'utf8'),
        file.content,
        Buffer.from('\r\n', 'utf8'),
      ]),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`, 'utf8'));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

// ---- people -----------------------------------------------------------------------------------------

export interface Person {
  id: string;
  token: string;
  email: string;
  firstName: string;
  lastName: string;
  status: string;
}

const unique = () => randomBytes(4).toString('hex');

/** Signs up through the real API; names and address are unique to this person (so scans can find them). */
export async function signUp(app: FastifyInstance, slug: string, overrides: Record<string, unknown> = {}): Promise<Person> {
  const tag = unique();
  const body = registrationBody({
    firstName: `Zelinda${tag}`,
    lastName: `Quarantotto${tag}`,
    email: `zelinda.${tag}@comune.example.it`,
    organisation: 'Comune di Lodi',
    network: 'Ambito di Lodi',
    role: `Educatrice ${tag}`,
    ...overrides,
  });
  const res = await app.inject({ method: 'POST', url: `/api/cycles/${slug}/registrations`, payload: body });
  expect(res.statusCode, res.body).toBe(201);
  const r = res.json().registration;
  return {
    id: r.id,
    token: tokenOf(r.manageUrl),
    email: body.email as string,
    firstName: body.firstName as string,
    lastName: body.lastName as string,
    status: r.status,
  };
}

export const tokenOf = (manageUrl: string) => new URL(manageUrl).pathname.split('/').pop()!;

export async function markPresent(db: Kysely<Database>, registrationId: string, sessionIds: string[], present = true) {
  for (const sessionId of sessionIds) {
    await db
      .insertInto('attendance')
      .values({ registration_id: registrationId, session_id: sessionId, present, method: 'roster', marked_by: null, marked_at: new Date() })
      .onConflict((oc) => oc.columns(['registration_id', 'session_id']).doUpdateSet({ present }))
      .execute();
  }
}

/** A well-formed token that belongs to nobody. */
export const strangerToken = () => randomBytes(32).toString('base64url').slice(0, 43);

// ---- scans ------------------------------------------------------------------------------------------

/**
 * Every column of every table in the public schema whose text contains one of `needles`
 * (case-insensitive), as "table.column". Columns of any type are read as text.
 */
export async function findEverywhere(db: Kysely<Database>, needles: string[]): Promise<string[]> {
  const cols = await sql<{ table_name: string; column_name: string }>`
    SELECT c.table_name, c.column_name FROM information_schema.columns c
      JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
     ORDER BY c.table_name, c.ordinal_position`.execute(db);
  expect(cols.rows.length).toBeGreaterThan(50);
  const hits: string[] = [];
  for (const { table_name, column_name } of cols.rows) {
    for (const needle of needles) {
      const r = await sql<{ n: string }>`
        SELECT count(*) AS n FROM ${sql.table(table_name)} WHERE ${sql.ref(column_name)}::text ILIKE ${'%' + needle.replace(/[\\%_]/g, '\\$&') + '%'}`.execute(
        db,
      );
      if (Number(r.rows[0]!.n) > 0) hits.push(`${table_name}.${column_name} ∋ ${needle}`);
    }
  }
  return hits;
}

// ---- the material storage ---------------------------------------------------------------------------

/**
 * What the material storage holds: the key of every stored object, and "<key> (chunks)" for every key
 * that has chunk rows but no object (what a failed upload would leave), sorted.
 */
export async function storedObjects(db: Kysely<Database>): Promise<string[]> {
  const objects = await db.selectFrom('material_objects').select('key').execute();
  const orphans = await db
    .selectFrom('material_chunks as c')
    .select('c.key')
    .distinct()
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('material_objects as o').select('o.key').whereRef('o.key', '=', 'c.key'))))
    .execute();
  return [...objects.map((o) => o.key), ...orphans.map((c) => `${c.key} (chunks)`)].sort();
}

/** The bytes stored under `key`, read straight from the chunk rows, or null when there is no object. */
export async function storedBytes(db: Kysely<Database>, key: string): Promise<Buffer | null> {
  const object = await db.selectFrom('material_objects').select('chunks').where('key', '=', key).executeTakeFirst();
  if (!object) return null;
  const rows = await db.selectFrom('material_chunks').select(['n', 'data']).where('key', '=', key).orderBy('n').execute();
  expect(rows.map((r) => r.n)).toEqual([...Array(object.chunks).keys()]);
  return Buffer.concat(rows.map((r) => r.data));
}

// ---- data directory ---------------------------------------------------------------------------------

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'officina-materials-'));
}

/** Every entry under dir, recursively, relative to it. */
export function listTree(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).sort();
}

// ---- cycles in the past -----------------------------------------------------------------------------

/**
 * A cycle people signed up for while it was open, whose meetings were then moved to `days` (days from
 * now, each `hours` long): organisers correct the record this way, and it is the simplest way to have a
 * cycle that has ended with real sign-ups.
 */
export async function cycleMovedTo(
  app: FastifyInstance,
  db: Kysely<Database>,
  opts: { days: number[]; hours?: number; signUps?: Record<string, unknown>[]; capacity?: number; title?: string },
) {
  const hours = opts.hours ?? 3;
  const { cycle, sessions } = await createCycle(db, {
    capacity: opts.capacity ?? 50,
    title: opts.title,
    sessionDays: opts.days.map((_, i) => 10 + i),
    sessionHours: hours,
  });
  const people: Person[] = [];
  for (const overrides of opts.signUps ?? []) people.push(await signUp(app, cycle.slug, overrides));
  for (const [i, s] of sessions.entries()) {
    const start = new Date(Date.now() + opts.days[i]! * 86_400_000);
    await db
      .updateTable('sessions')
      .set({ starts_at: start, ends_at: new Date(start.getTime() + hours * 3_600_000) })
      .where('id', '=', s.id)
      .execute();
  }
  return { cycle, sessions, people };
}
