// Uploads: the type is read from the content (a forbidden file renamed .pdf is refused), the size
// limit holds while streaming (413, nothing left in the storage), file names can't reach the storage or
// the Content-Disposition header, links are http(s) only, and the people who may see a new material
// get its link by mail (enqueued in the upload's transaction, delivered by the real worker).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenKit } from '../../server/lib/tokens.ts';
import { mailComposer } from '../../server/modules/mail/mail.compose.ts';
import { MailPayload } from '../../server/modules/mail/mail.jobs.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { assign, signedIn, type Session } from '../helpers/auth.ts';
import { createCycle } from '../helpers/factories.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.ts';
import {
  allowedSamples,
  forbiddenSamples,
  markPresent,
  multipart,
  pdf,
  signUp,
  storedBytes,
  storedObjects,
  tempDataDir,
  type FilePart,
} from './materials.support.ts';
import { startTestRunner, type JobRunner } from '../helpers/jobs.ts';

const MB = 1024 * 1024;

let t: TestApp;
let dataDir: string;
let org: Session;
let other: Session;
let cycleId: string;
let sessionId: string;
let slug: string;

beforeAll(async () => {
  dataDir = tempDataDir();
  // A small limit so "too large" is cheap to send.
  t = await buildTestApp({ env: { DATA_DIR: dataDir, MAX_UPLOAD_MB: '1' } });
  org = await signedIn(t.app, t.database.db, 'organiser');
  other = await signedIn(t.app, t.database.db, 'organiser');
  const { cycle, sessions } = await createCycle(t.database.db, {
    capacity: 10,
    sessionDays: [-7, 7],
    registrationClosesAt: new Date(Date.now() + 86_400_000),
  });
  cycleId = cycle.id;
  sessionId = sessions[0]!.id;
  slug = cycle.slug;
  await assign(t.database.db, cycle.id, org.account.id);
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function upload(fields: Record<string, string>, file: FilePart | undefined, as: Session = org, target = `sessions/${sessionId}`) {
  const body = multipart(fields, file);
  return t.app.inject({ method: 'POST', url: `/api/admin/${target}/materials`, payload: body.payload, headers: { ...body.headers, ...as.headers } });
}
const storedFiles = () => storedObjects(t.database.db);

describe('the type comes from the content', () => {
  it('accepts each allowed kind and records the detected type, size and SHA-256', async () => {
    for (const s of await allowedSamples()) {
      // Named .bin on purpose: the name says nothing, the bytes decide.
      const res = await upload(
        { title: s.name, visibility: 'registered' },
        { filename: s.name.replace(/\.\w+$/, '.bin'), content: s.bytes, contentType: 'application/octet-stream' },
      );
      expect(res.statusCode, `${s.name}: ${res.body}`).toBe(201);
      const m = res.json();
      expect(m.contentType, s.name).toBe(s.mime);
      expect(m.size).toBe(s.bytes.length);
      expect(m.sha256).toBe(createHash('sha256').update(s.bytes).digest('hex'));
      // The download name gets the extension of what the file really is.
      expect(m.fileName).toMatch(/\.bin\.\w+$/);
      const row = await t.database.db.selectFrom('materials').select('storage_key').where('id', '=', m.id).executeTakeFirstOrThrow();
      expect((await storedBytes(t.database.db, row.storage_key!))?.equals(s.bytes)).toBe(true);
    }
  });

  it('refuses anything else, whatever its name and declared type, and keeps nothing (400 unsupported_type)', async () => {
    const before = await storedFiles();
    for (const s of forbiddenSamples()) {
      const res = await upload({ title: 'Slide', visibility: 'public' }, { filename: 'slide.pdf', content: s.bytes, contentType: 'application/pdf' });
      expect(res.statusCode, s.what).toBe(400);
      expect(res.json(), s.what).toMatchObject({ statusCode: 400, code: 'unsupported_type' });
    }
    expect(await storedFiles()).toEqual(before);
    const rows = await t.database.db.selectFrom('materials').select('title').where('title', '=', 'Slide').execute();
    expect(rows).toHaveLength(0);
  });
});

describe('the size limit (MAX_UPLOAD_MB=1)', () => {
  it('refuses a file one byte over the limit with 413 and leaves no file, not even a partial one', async () => {
    const before = await storedFiles();
    const head = await pdf();
    const big = Buffer.concat([head, Buffer.alloc(MB + 1 - head.length, 0x20)]);
    expect(big.length).toBe(MB + 1);
    const res = await upload({ title: 'Troppo grande', visibility: 'public' }, { filename: 'grande.pdf', content: big });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ statusCode: 413, code: 'payload_too_large' });
    expect(await storedFiles()).toEqual(before);
  });

  it('refuses a much larger body early, and accepts a file of exactly the limit', async () => {
    const before = await storedFiles();
    const res = await upload({ title: 'Enorme', visibility: 'public' }, { filename: 'enorme.pdf', content: Buffer.alloc(3 * MB, 0x25) });
    expect(res.statusCode).toBe(413);
    expect(await storedFiles()).toEqual(before);

    const head = await pdf();
    const exact = Buffer.concat([head, Buffer.alloc(MB - head.length, 0x20)]);
    const ok = await upload({ title: 'Al limite', visibility: 'public' }, { filename: 'limite.pdf', content: exact });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().size).toBe(MB);
  });
});

describe('file names are only ever a suggested download name', () => {
  const cases: { sent: string | Buffer; ascii: string; utf8: string }[] = [
    { sent: '../../etc/passwd.pdf', ascii: 'passwd.pdf', utf8: 'passwd.pdf' },
    { sent: '..\\..\\Windows\\system.ini.pdf', ascii: 'system.ini.pdf', utf8: 'system.ini.pdf' },
    { sent: Buffer.from('slide\u0000.exe.pdf', 'utf8'), ascii: 'slide_.exe.pdf', utf8: 'slide_.exe.pdf' },
    { sent: 'Слайды – café ☕.pdf', ascii: '______ _ cafe _.pdf', utf8: 'Слайды – café ☕.pdf' },
    { sent: '.htaccess', ascii: 'htaccess.pdf', utf8: 'htaccess.pdf' },
    { sent: "a;b%c'd (1).pdf", ascii: "a_b_c'd (1).pdf", utf8: "a;b%c'd (1).pdf" },
    { sent: `${'x'.repeat(400)}.pdf`, ascii: `${'x'.repeat(146)}.pdf`, utf8: `${'x'.repeat(146)}.pdf` },
    { sent: 'evil\u202Efdp.exe', ascii: 'evil_fdp.exe.pdf', utf8: 'evil_fdp.exe.pdf' },
  ];

  it('stores under a random key, never on the disk, and sends a sanitised Content-Disposition', async () => {
    const outside = fs.readdirSync(dataDir).sort();
    for (const c of cases) {
      const res = await upload({ title: 'Nome strano', visibility: 'registered' }, { filename: c.sent, content: await pdf() });
      expect(res.statusCode, `${JSON.stringify(String(c.sent))}: ${res.body}`).toBe(201);
      const m = res.json();
      const row = await t.database.db.selectFrom('materials').select(['storage_key', 'file_name']).where('id', '=', m.id).executeTakeFirstOrThrow();
      expect(row.storage_key).toMatch(/^[0-9a-f]{32}$/);
      expect(await storedFiles()).toContain(row.storage_key);
      expect(row.file_name).toBe(c.utf8);
      const dl = await t.app.inject({ method: 'GET', url: `/api/admin/materials/${m.id}/download`, headers: { cookie: org.cookie } });
      expect(dl.statusCode).toBe(200);
      const cd = dl.headers['content-disposition'] as string;
      expect(cd).toBe(
        `attachment; filename="${c.ascii}"; filename*=UTF-8''${encodeURIComponent(row.file_name!).replace(/['()*]/g, (x) => `%${x.charCodeAt(0).toString(16).toUpperCase()}`)}`,
      );
      expect(cd).not.toMatch(/[\r\n\0]/);
    }
    // Nothing appeared in DATA_DIR, and everything stored has a random key.
    expect(fs.readdirSync(dataDir).sort()).toEqual(outside);
    for (const f of await storedFiles()) expect(f).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('links and malformed requests', () => {
  it('accepts http(s) links and refuses any other scheme', async () => {
    const ok = await t.app.inject({
      method: 'POST',
      url: `/api/admin/cycles/${cycleId}/materials`,
      payload: { title: 'E-book', url: 'https://www.anci.lombardia.it/ebook.pdf', visibility: 'public' },
      headers: org.headers,
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ kind: 'link', sessionId: null, target: 'https://www.anci.lombardia.it/ebook.pdf', fileName: null });
    for (const url of ['javascript:alert(1)', 'data:text/html,<script>1</script>', 'ftp://example.org/x', 'file:///etc/passwd', 'non un url']) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/admin/cycles/${cycleId}/materials`,
        payload: { title: 'X', url, visibility: 'public' },
        headers: org.headers,
      });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().code).toBe('validation_error');
    }
  });

  it('answers 400 for a missing file, a bad visibility or an empty body, and 403 to another organiser (nothing stored)', async () => {
    const before = await storedFiles();
    expect((await upload({ title: 'Solo titolo' }, undefined)).statusCode).toBe(400);
    const bad = await upload({ title: 'X', visibility: 'tutti' }, { filename: 'a.pdf', content: await pdf() });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('validation_error');
    const empty = await t.app.inject({
      method: 'POST',
      url: `/api/admin/sessions/${sessionId}/materials`,
      headers: { ...org.headers, 'content-type': 'application/json' },
    });
    expect(empty.statusCode).toBe(400);
    const foreign = await upload({ title: 'Intruso', visibility: 'public' }, { filename: 'a.pdf', content: await pdf() }, other);
    expect(foreign.statusCode).toBe(403);
    expect(await storedFiles()).toEqual(before);
  });

  it('answers 400 (never 500) to a truncated form, a form without boundary or two files, and keeps nothing', async () => {
    const before = await storedFiles();
    const body = multipart({ title: 'Tronco' }, { filename: 'a.pdf', content: await pdf() });
    const target = `/api/admin/sessions/${sessionId}/materials`;
    const truncated = await t.app.inject({
      method: 'POST',
      url: target,
      payload: body.payload.subarray(0, body.payload.length - 200),
      headers: { ...body.headers, ...org.headers },
    });
    expect(truncated.statusCode, truncated.body).toBe(400);
    const noBoundary = await t.app.inject({
      method: 'POST',
      url: target,
      payload: 'garbage',
      headers: { 'content-type': 'multipart/form-data', ...org.headers },
    });
    expect(noBoundary.statusCode, noBoundary.body).toBe(400);
    const second = multipart({}, { filename: 'b.pdf', content: await pdf() });
    const boundary = body.headers['content-type']!.split('boundary=')[1]!;
    const secondPart = second.payload.toString('latin1').replace(second.headers['content-type']!.split('boundary=')[1]!, boundary);
    const twoFiles = Buffer.concat([body.payload.subarray(0, body.payload.length - `--${boundary}--\r\n`.length), Buffer.from(secondPart, 'latin1')]);
    const two = await t.app.inject({ method: 'POST', url: target, payload: twoFiles, headers: { ...body.headers, ...org.headers } });
    expect(two.statusCode, two.body).toBe(400);
    expect(await storedFiles()).toEqual(before);
  });

  it('removes the file with the material (204)', async () => {
    const res = await upload({ title: 'Da togliere', visibility: 'public' }, { filename: 'via.pdf', content: await pdf() });
    const row = await t.database.db.selectFrom('materials').select('storage_key').where('id', '=', res.json().id).executeTakeFirstOrThrow();
    expect(await storedFiles()).toContain(row.storage_key);
    const forbidden = await t.app.inject({ method: 'DELETE', url: `/api/admin/materials/${res.json().id}`, headers: other.headers });
    expect(forbidden.statusCode).toBe(403);
    const del = await t.app.inject({ method: 'DELETE', url: `/api/admin/materials/${res.json().id}`, headers: org.headers });
    expect(del.statusCode).toBe(204);
    // The object and every chunk of it.
    expect((await storedFiles()).filter((f) => f.startsWith(row.storage_key!))).toEqual([]);
  });
});

describe('the announcement mail', () => {
  let sink: SmtpSink;
  let worker: JobRunner | null = null;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await worker?.stop();
    await sink?.close();
  });

  it('is enqueued for exactly those who may see the material, and links each to their own address', async () => {
    const present = await signUp(t.app, slug);
    const absent = await signUp(t.app, slug);
    await markPresent(t.database.db, present.id, [sessionId]);
    await markPresent(t.database.db, absent.id, [sessionId], false);
    const wait = await signUp(t.app, slug);
    await t.database.db.updateTable('registrations').set({ status: 'waitlisted', confirmed_at: null }).where('id', '=', wait.id).execute();

    const jobsFor = async (materialSession: string) =>
      (
        await sql<{ key: string; payload: unknown; run_at: Date }>`
          SELECT key, payload, run_at FROM graphile_worker._private_jobs WHERE key LIKE ${`mail:materials-available:${materialSession}:%`}`.execute(
          t.database.db,
        )
      ).rows;
    await sql`DELETE FROM graphile_worker._private_jobs WHERE key LIKE 'mail:materials-available:%'`.execute(t.database.db);

    const att = await upload({ title: 'Esercitazione per chi c’era', visibility: 'attended' }, { filename: 'es.pdf', content: await pdf() });
    expect(att.statusCode).toBe(201);
    const attJobs = await jobsFor(sessionId);
    expect(attJobs.map((j) => j.key)).toEqual([`mail:materials-available:${sessionId}:${present.id}`]);
    // Uploads right after a meeting are gathered for a few minutes into one mail.
    expect(new Date(attJobs[0]!.run_at).getTime()).toBeGreaterThan(Date.now() + 5 * 60_000);
    // The answer says who will be mailed and when: the queue's own time, for the console to show.
    expect(att.json().announcement).toEqual({ recipients: 1, sendAt: new Date(attJobs[0]!.run_at).toISOString() });
    // Nobody was present yet at a meeting still to come: no mail, and the answer says so.
    const later = await t.database.db
      .selectFrom('sessions')
      .select('id')
      .where('cycle_id', '=', cycleId)
      .where('id', '!=', sessionId)
      .executeTakeFirstOrThrow();
    const none = await upload({ title: 'Per chi ci sarà', visibility: 'attended' }, { filename: 'poi.pdf', content: await pdf() }, org, `sessions/${later.id}`);
    expect(none.statusCode).toBe(201);
    expect(none.json().announcement).toEqual({ recipients: 0, sendAt: null });

    const reg = await upload({ title: 'Slide per tutti gli iscritti', visibility: 'registered' }, { filename: 'slide.pdf', content: await pdf() });
    expect(reg.statusCode).toBe(201);
    const regJobs = await jobsFor(sessionId);
    // One pending job per person and meeting: the second upload replaced the first one's job.
    expect(regJobs.map((j) => j.key).sort()).toEqual([present.id, absent.id].map((id) => `mail:materials-available:${sessionId}:${id}`).sort());
    expect(reg.json().announcement).toEqual({ recipients: 2, sendAt: new Date(regJobs[0]!.run_at).toISOString() });
    const confirmedElsewhere = await t.database.db
      .selectFrom('registrations')
      .select('id')
      .where('cycle_id', '=', cycleId)
      .where('status', '=', 'confirmed')
      .execute();
    expect(confirmedElsewhere.map((r) => r.id)).toEqual(expect.arrayContaining([present.id, absent.id]));

    // What each person's mail says, composed by the worker's own composer.
    const composer = mailComposer({
      db: t.database.db,
      publicUrl: t.config.publicUrl,
      timezone: t.config.timezone,
      mailFrom: t.config.mailFrom,
      programmeContact: t.config.programmeContact,
      tokens: tokenKit(Buffer.from(t.config.secretKey!, 'utf8')),
    });
    const forPresent = regJobs.find((j) => j.key.endsWith(present.id))!;
    const composed = await composer.compose(MailPayload.parse(forPresent.payload), new Date());
    expect(composed.send).toBe(true);
    if (!composed.send) return;
    const text = composed.draft.rendered.text;
    expect(composed.draft.to.email).toBe(present.email);
    expect(text).toContain('Esercitazione per chi c’era');
    expect(text).toContain('Slide per tutti gli iscritti');
    expect(text).toContain(`${t.config.publicUrl}/api/registrations/${present.token}/materials/${att.json().id}/download`);
    const forAbsent = regJobs.find((j) => j.key.endsWith(absent.id))!;
    const absentMail = await composer.compose(MailPayload.parse(forAbsent.payload), new Date());
    expect(absentMail.send && absentMail.draft.rendered.text).not.toContain('Esercitazione per chi c’era');

    // Delivered by the real worker to a real SMTP server once due.
    worker = await startTestRunner(testConfigFor(sink.url), t.database.url);
    await sql`UPDATE graphile_worker._private_jobs SET run_at = now() WHERE key LIKE 'mail:materials-available:%'`.execute(t.database.db);
    const materialsMails = (email: string) => sink.to(email).filter((m) => m.parsed!.subject!.startsWith('Materiali disponibili'));
    await sink.waitFor(() => materialsMails(present.email).length === 1 && materialsMails(absent.email).length === 1, 'two materials mails');
    const mail = materialsMails(present.email)[0]!.parsed!;
    expect(mail.subject).toMatch(/^Materiali disponibili: Incontro 1 /);
    const link = (mail.text ?? '').match(/http:\/\/officina\.test\/api\/registrations\/[^\s)]+\/download/g)!;
    for (const href of link) {
      const res = await t.app.inject({ method: 'GET', url: new URL(href).pathname });
      expect(res.statusCode, href).toBe(200);
    }
    expect(materialsMails(wait.email)).toHaveLength(0);
  });
});

function testConfigFor(smtpUrl: string) {
  return { ...t.config, smtpUrl };
}
