// Who may download what: every visibility level (public, registered, attended — of a meeting and of the
// whole cycle — and a link) against every kind of viewer, on every download address, with the exact
// status expected; then the lists that carry the addresses, and the right re-checked at every request.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { assign, signedIn, type Session } from '../helpers/auth.ts';
import { createCycle } from '../helpers/factories.ts';
import { markPresent, multipart, pdf, signUp, strangerToken, tempDataDir, type Person } from './materials.support.ts';

type MaterialKey = 'pub' | 'reg' | 'att' | 'attS2' | 'attAll' | 'regLink';
type ViewerKey = 'anonymous' | 'registered' | 'attended' | 'cancelled' | 'waitlisted' | 'otherCycle' | 'organiser' | 'otherOrganiser' | 'administrator';

let t: TestApp;
let dataDir: string;
let orgA: Session;
let orgB: Session;
let admin: Session;
let slug: string;
let cycleId: string;
const material: Record<MaterialKey, { id: string; bytes: Buffer | null; url?: string }> = {} as never;
const people: Partial<Record<ViewerKey, Person>> = {};
let sessionIds: string[];

const LINK = 'https://www.youtube.com/watch?v=registrazione-incontro-1';

/** What each viewer may fetch through their own token (everyone else: 404). */
const TOKEN_RIGHTS: Record<ViewerKey, MaterialKey[]> = {
  anonymous: [],
  registered: ['pub', 'reg', 'regLink'],
  attended: ['pub', 'reg', 'regLink', 'att', 'attAll'],
  cancelled: ['pub'],
  waitlisted: ['pub'],
  otherCycle: [],
  organiser: [],
  otherOrganiser: [],
  administrator: [],
};

function viewerAuth(v: ViewerKey): { token: string; cookie: string | null } {
  const person = people[v];
  const session = v === 'organiser' ? orgA : v === 'otherOrganiser' ? orgB : v === 'administrator' ? admin : null;
  return { token: person?.token ?? strangerToken(), cookie: session?.cookie ?? null };
}

async function upload(target: string, fields: Record<string, string>, bytes: Buffer, name: string) {
  const body = multipart(fields, { filename: name, content: bytes });
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/admin/${target}/materials`,
    payload: body.payload,
    headers: { ...body.headers, ...orgA.headers },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

beforeAll(async () => {
  dataDir = tempDataDir();
  t = await buildTestApp({ env: { DATA_DIR: dataDir } });
  admin = await signedIn(t.app, t.database.db, 'administrator');
  orgA = await signedIn(t.app, t.database.db, 'organiser');
  orgB = await signedIn(t.app, t.database.db, 'organiser');

  // The first meeting has been held; two more to come (the cycle is still open to cancellations).
  // Sign-ups stay open after the first meeting (by default they close when it starts).
  const open = { registrationClosesAt: new Date(Date.now() + 5 * 86_400_000) };
  const { cycle, sessions } = await createCycle(t.database.db, { capacity: 3, sessionDays: [-7, 7, 14], ...open });
  const other = await createCycle(t.database.db, { capacity: 5, sessionDays: [-7, 7], ...open });
  slug = cycle.slug;
  cycleId = cycle.id;
  sessionIds = sessions.map((s) => s.id);
  await assign(t.database.db, cycle.id, orgA.account.id);
  await assign(t.database.db, other.cycle.id, orgB.account.id);

  people.registered = await signUp(t.app, slug);
  people.attended = await signUp(t.app, slug);
  await markPresent(t.database.db, people.attended.id, [sessionIds[0]!]);
  people.cancelled = await signUp(t.app, slug);
  // Present at the first meeting, then cancelled: a cancelled registration loses its rights anyway.
  await markPresent(t.database.db, people.cancelled.id, [sessionIds[0]!]);
  const cancel = await t.app.inject({ method: 'POST', url: `/api/registrations/${people.cancelled.token}/cancel` });
  expect(cancel.statusCode).toBe(200);
  await signUp(t.app, slug); // takes the freed seat
  people.waitlisted = await signUp(t.app, slug);
  expect(people.waitlisted.status).toBe('waitlisted');
  people.otherCycle = await signUp(t.app, other.cycle.slug);
  await markPresent(t.database.db, people.otherCycle.id, [other.sessions[0]!.id]);

  const s1 = `sessions/${sessionIds[0]}`;
  const files: [MaterialKey, string, Record<string, string>][] = [
    ['pub', s1, { title: 'Programma', visibility: 'public' }],
    ['reg', s1, { title: 'Slide', visibility: 'registered' }],
    ['att', s1, { title: 'Esercitazione', visibility: 'attended' }],
    ['attS2', `sessions/${sessionIds[1]}`, { title: 'Slide del secondo incontro', visibility: 'attended' }],
    ['attAll', `cycles/${cycle.id}`, { title: 'E-book del percorso', visibility: 'attended' }],
  ];
  for (const [key, target, fields] of files) {
    const bytes = await pdf(`${key} ${fields.title}`);
    const m = await upload(target, fields, bytes, `${key}.pdf`);
    material[key] = { id: m.id, bytes };
  }
  const link = await t.app.inject({
    method: 'POST',
    url: `/api/admin/${s1}/materials`,
    payload: { title: 'Registrazione', url: LINK, visibility: 'registered' },
    headers: orgA.headers,
  });
  expect(link.statusCode, link.body).toBe(201);
  material.regLink = { id: link.json().id, bytes: null };
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const VIEWERS = Object.keys(TOKEN_RIGHTS) as ViewerKey[];
const MATERIALS: MaterialKey[] = ['pub', 'reg', 'att', 'attS2', 'attAll', 'regLink'];
const success = (m: MaterialKey) => (m === 'regLink' ? 302 : 200);

describe('the access matrix: visibility × viewer × download address', () => {
  it('public address: public materials for everyone, 404 for anything else whoever asks', async () => {
    const wrong: string[] = [];
    for (const m of MATERIALS) {
      for (const v of VIEWERS) {
        const { cookie } = viewerAuth(v);
        const res = await t.app.inject({ method: 'GET', url: `/api/materials/${material[m].id}/download`, headers: cookie ? { cookie } : {} });
        const expected = m === 'pub' ? 200 : 404;
        if (res.statusCode !== expected) wrong.push(`${m} as ${v}: ${res.statusCode}, expected ${expected}`);
        if (expected === 200) expect(res.rawPayload.equals(material[m].bytes!)).toBe(true);
        if (expected === 404) expect(res.json()).toMatchObject({ statusCode: 404, code: 'not_found' });
      }
    }
    expect(wrong).toEqual([]);
  });

  it('token address: exactly what each viewer may see, 404 otherwise (same body as an unknown token)', async () => {
    const unknown = await t.app.inject({ method: 'GET', url: `/api/registrations/${strangerToken()}/materials/${material.reg.id}/download` });
    expect(unknown.statusCode).toBe(404);
    const wrong: string[] = [];
    for (const m of MATERIALS) {
      for (const v of VIEWERS) {
        const { token, cookie } = viewerAuth(v);
        const res = await t.app.inject({
          method: 'GET',
          url: `/api/registrations/${token}/materials/${material[m].id}/download`,
          headers: cookie ? { cookie } : {},
        });
        const expected = TOKEN_RIGHTS[v].includes(m) ? success(m) : 404;
        if (res.statusCode !== expected) wrong.push(`${m} as ${v}: ${res.statusCode}, expected ${expected}`);
        if (expected === 200) expect(res.rawPayload.equals(material[m].bytes!), `${m} as ${v}`).toBe(true);
        if (expected === 302) expect(res.headers.location).toBe(LINK);
        if (expected === 404) expect(res.body).toBe(unknown.body);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('organiser address: the cycle’s organiser and administrators 200, another organiser 403, no session 401', async () => {
    const expected: Record<ViewerKey, number | 'ok'> = {
      anonymous: 401,
      registered: 401,
      attended: 401,
      cancelled: 401,
      waitlisted: 401,
      otherCycle: 401,
      organiser: 'ok',
      otherOrganiser: 403,
      administrator: 'ok',
    };
    const wrong: string[] = [];
    for (const m of MATERIALS) {
      for (const v of VIEWERS) {
        const { cookie } = viewerAuth(v);
        const res = await t.app.inject({ method: 'GET', url: `/api/admin/materials/${material[m].id}/download`, headers: cookie ? { cookie } : {} });
        const want = expected[v] === 'ok' ? success(m) : expected[v];
        if (res.statusCode !== want) wrong.push(`${m} as ${v}: ${res.statusCode}, expected ${want}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('the lists that carry the addresses', () => {
  it('"my registration" lists exactly what the person may see, with addresses that work for them', async () => {
    for (const v of ['registered', 'attended', 'cancelled', 'waitlisted', 'otherCycle'] as const) {
      const person = people[v]!;
      const res = await t.app.inject({ method: 'GET', url: `/api/registrations/${person.token}` });
      expect(res.statusCode).toBe(200);
      const items = res.json().materials as { id: string; url: string; visibility: string; kind: string }[];
      const mine = v === 'otherCycle' ? [] : TOKEN_RIGHTS[v];
      expect(items.map((i) => i.id).sort(), v).toEqual(mine.map((k) => material[k].id).sort());
      for (const item of items) {
        const url = new URL(item.url);
        expect(url.origin).toBe(t.config.publicUrl);
        if (item.visibility === 'public') expect(url.pathname).toBe(`/api/materials/${item.id}/download`);
        else expect(url.pathname).toBe(`/api/registrations/${person.token}/materials/${item.id}/download`);
        const fetched = await t.app.inject({ method: 'GET', url: url.pathname });
        expect(fetched.statusCode, `${v} ${item.id}`).toBe(item.kind === 'link' ? 302 : 200);
      }
    }
  });

  it('the cycle’s public page lists only its public materials', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/cycles/${slug}` });
    expect(res.statusCode).toBe(200);
    const items = res.json().materials as { id: string; url: string }[];
    expect(items.map((i) => i.id)).toEqual([material.pub.id]);
    expect(items[0]!.url).toBe(`${t.config.publicUrl}/api/materials/${material.pub.id}/download`);
    expect(JSON.stringify(res.json())).not.toContain(material.reg.id);
  });

  it('organisers see every material with its download count; another organiser gets 403', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/admin/cycles/${cycleId}/materials`, headers: { cookie: orgA.cookie } });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { id: string; downloads: number; target: string | null; kind: string }[];
    expect(items.map((i) => i.id).sort()).toEqual(MATERIALS.map((k) => material[k].id).sort());
    expect(items.find((i) => i.id === material.regLink.id)).toMatchObject({ kind: 'link', target: LINK });
    const denied = await t.app.inject({ method: 'GET', url: `/api/admin/cycles/${cycleId}/materials`, headers: { cookie: orgB.cookie } });
    expect(denied.statusCode).toBe(403);
  });
});

describe('downloads', () => {
  it('count every participant download, not the organiser’s', async () => {
    const count = async () =>
      (await t.database.db.selectFrom('materials').select('download_count').where('id', '=', material.pub.id).executeTakeFirstOrThrow()).download_count;
    const before = await count();
    for (let i = 0; i < 3; i += 1) expect((await t.app.inject({ method: 'GET', url: `/api/materials/${material.pub.id}/download` })).statusCode).toBe(200);
    const viaToken = await t.app.inject({ method: 'GET', url: `/api/registrations/${people.registered!.token}/materials/${material.pub.id}/download` });
    expect(viaToken.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: `/api/admin/materials/${material.pub.id}/download`, headers: { cookie: orgA.cookie } })).statusCode).toBe(
      200,
    );
    expect(await count()).toBe(before + 4);
  });

  it('stream with the detected type, length, a safe download name, nosniff and no caching of private addresses', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/registrations/${people.attended!.token}/materials/${material.att.id}/download` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(Number(res.headers['content-length'])).toBe(material.att.bytes!.length);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="att.pdf"; filename*=UTF-8''att.pdf`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.rawPayload.equals(material.att.bytes!)).toBe(true);
  });

  it('check the right again at every request: an absence marked later, or a cancellation, closes the door', async () => {
    const att = `/api/registrations/${people.attended!.token}/materials/${material.att.id}/download`;
    expect((await t.app.inject({ method: 'GET', url: att })).statusCode).toBe(200);
    const absent = await t.app.inject({
      method: 'PUT',
      url: `/api/admin/sessions/${sessionIds[0]}/attendance/${people.attended!.id}`,
      payload: { present: false },
      headers: orgA.headers,
    });
    expect(absent.statusCode, absent.body).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: att })).statusCode).toBe(404);

    const reg = `/api/registrations/${people.registered!.token}/materials/${material.reg.id}/download`;
    expect((await t.app.inject({ method: 'GET', url: reg })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: `/api/registrations/${people.registered!.token}/cancel` })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: reg })).statusCode).toBe(404);
  });

  it('a material of an unpublished cycle is not public, and a removed one is gone for everyone', async () => {
    await t.database.db.updateTable('cycles').set({ publication: 'draft' }).where('id', '=', cycleId).execute();
    expect((await t.app.inject({ method: 'GET', url: `/api/materials/${material.pub.id}/download` })).statusCode).toBe(404);
    await t.database.db.updateTable('cycles').set({ publication: 'published' }).where('id', '=', cycleId).execute();

    const del = await t.app.inject({ method: 'DELETE', url: `/api/admin/materials/${material.pub.id}`, headers: orgA.headers });
    expect(del.statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: `/api/materials/${material.pub.id}/download` })).statusCode).toBe(404);
    const again = await t.app.inject({ method: 'DELETE', url: `/api/admin/materials/${material.pub.id}`, headers: admin.headers });
    expect(again.statusCode).toBe(404);
  });
});
