// Organisers correcting a person's name or organisation (PATCH /api/admin/registrations/:id): the list,
// the certificate (issued before or after the correction) and its verification carry the corrected name;
// bad input is a 400 naming the field, other organisers' registrations a 403, erased ones a 404. And the
// search of the list (?q=): words in the name, address or organisation, with the status filter.
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { assign, signedIn, type Session } from '../helpers/auth.ts';
import { createCycle } from '../helpers/factories.ts';
import { expectErrorShape } from '../helpers/http.ts';
import { markPresent, signUp } from './materials.support.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let t: TestApp;
let org: Session;
let other: Session;
beforeAll(async () => {
  t = await buildTestApp();
  org = await signedIn(t.app, t.database.db, 'organiser');
  other = await signedIn(t.app, t.database.db, 'organiser');
});
afterAll(async () => t?.close());

async function myCycle(spec: Parameters<typeof createCycle>[1] = {}) {
  const made = await createCycle(t.database.db, spec);
  await assign(t.database.db, made.cycle.id, org.account.id);
  return made;
}

const correct = (id: string, body: unknown, who: Session = org) =>
  t.app.inject({ method: 'PATCH', url: `/api/admin/registrations/${id}`, headers: who.headers, payload: body as object });
const list = async (cycleId: string, query = '') => {
  const res = await t.app.inject({ method: 'GET', url: `/api/admin/cycles/${cycleId}/registrations${query}`, headers: { cookie: org.cookie } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items as { id: string; firstName: string; lastName: string; organisation: string; email: string; status: string }[];
};

async function pdfText(bytes: Buffer): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(bytes) });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}

/** A cycle of four three-hour meetings, moved into the past after its sign-ups; `people` attended all. */
async function finishedCycle(people: number) {
  const { cycle, sessions } = await myCycle({ capacity: 10, sessionDays: [10, 11, 12, 13], sessionHours: 3 });
  const signed = [];
  for (let i = 0; i < people; i += 1) signed.push(await signUp(t.app, cycle.slug));
  for (const [i, s] of sessions.entries()) {
    const start = new Date(Date.now() - (28 - 7 * i) * DAY);
    await t.database.db
      .updateTable('sessions')
      .set({ starts_at: start, ends_at: new Date(start.getTime() + 3 * HOUR) })
      .where('id', '=', s.id)
      .execute();
  }
  for (const p of signed)
    await markPresent(
      t.database.db,
      p.id,
      sessions.map((s) => s.id),
    );
  return { cycle, people: signed };
}

describe('correcting a person', () => {
  it('changes first name, last name and organisation, and the list shows them', async () => {
    const { cycle } = await myCycle();
    const p = await signUp(t.app, cycle.slug, { firstName: 'Giulai', lastName: 'Rosi', organisation: 'Comune di Bergamp' });
    const res = await correct(p.id, { firstName: ' Giulia ', lastName: 'Rossi', organisation: 'Comune di Bergamo' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      registration: { id: p.id, firstName: 'Giulia', lastName: 'Rossi', organisation: 'Comune di Bergamo', email: p.email, status: 'confirmed' },
      certificateRenamed: false,
    });
    const [row] = await list(cycle.id);
    expect(row).toMatchObject({ firstName: 'Giulia', lastName: 'Rossi', organisation: 'Comune di Bergamo' });

    // One field alone leaves the others as they are.
    expect((await correct(p.id, { lastName: 'Rossi Bianchi' })).json().registration).toMatchObject({ firstName: 'Giulia', lastName: 'Rossi Bianchi' });
  });

  it('refuses bad input with a 400 naming the field', async () => {
    const { cycle } = await myCycle();
    const p = await signUp(t.app, cycle.slug);
    const cases: [unknown, string][] = [
      [{ firstName: '   ' }, 'firstName'],
      [{ lastName: 'x'.repeat(101) }, 'lastName'],
      [{ organisation: 42 }, 'organisation'],
      [{ email: 'new@example.org' }, 'body'],
      [{}, 'body'],
    ];
    for (const [body, field] of cases) {
      const res = await correct(p.id, body);
      const err = expectErrorShape(res.statusCode, res.json(), { status: 400, code: 'validation_error' });
      expect(
        err.fields?.map((f) => f.field),
        JSON.stringify(body),
      ).toContain(field);
    }
    expect((await list(cycle.id))[0]).toMatchObject({ firstName: p.firstName, lastName: p.lastName });
  });

  it('is for the organisers of that cycle: 403 to another organiser; 404 once the data were erased', async () => {
    const { cycle } = await myCycle();
    const p = await signUp(t.app, cycle.slug);
    const denied = await correct(p.id, { firstName: 'Intrusa' }, other);
    expectErrorShape(denied.statusCode, denied.json(), { status: 403, code: 'forbidden' });

    const erased = await t.app.inject({ method: 'DELETE', url: `/api/registrations/${p.token}/personal-data` });
    expect(erased.statusCode, erased.body).toBe(200);
    const gone = await correct(p.id, { firstName: 'Ritorno' });
    expectErrorShape(gone.statusCode, gone.json(), { status: 404, code: 'not_found' });
  });
});

describe('the certificate after a correction', () => {
  it('already issued: the PDF downloaded again and the verification carry the corrected name, same code', async () => {
    const { people } = await finishedCycle(1);
    const p = people[0]!;
    const first = await t.app.inject({ method: 'GET', url: `/api/registrations/${p.token}/certificate` });
    expect(first.statusCode, first.body).toBe(200);
    expect(await pdfText(first.rawPayload)).toContain(`${p.firstName} ${p.lastName}`);
    const { code } = await t.database.db.selectFrom('certificates').select('code').where('registration_id', '=', p.id).executeTakeFirstOrThrow();

    const res = await correct(p.id, { firstName: 'Maddalena', lastName: 'Dell’Orto' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().certificateRenamed).toBe(true);

    const again = await t.app.inject({ method: 'GET', url: `/api/registrations/${p.token}/certificate` });
    expect(again.statusCode).toBe(200);
    const text = await pdfText(again.rawPayload);
    expect(text).toContain('Maddalena Dell’Orto');
    expect(text).not.toContain(p.firstName);
    expect(text).toContain(code);
    const verified = await t.app.inject({ method: 'GET', url: `/api/certificates/${code}` });
    expect(verified.json()).toMatchObject({ code, name: 'Maddalena Dell’Orto' });
  });

  it('issued afterwards: the PDF carries the corrected name', async () => {
    const { people } = await finishedCycle(1);
    const p = people[0]!;
    expect((await correct(p.id, { firstName: 'Ottavia', lastName: 'Sant’Ambrogio' })).json().certificateRenamed).toBe(false);
    const pdf = await t.app.inject({ method: 'GET', url: `/api/registrations/${p.token}/certificate` });
    expect(pdf.statusCode, pdf.body).toBe(200);
    const text = await pdfText(pdf.rawPayload);
    expect(text).toContain('Ottavia Sant’Ambrogio');
    expect(text).not.toContain(p.lastName);
  });
});

describe('searching the list', () => {
  it('finds words in the name, the address or the organisation, case ignored, with the status filter', async () => {
    const { cycle } = await myCycle({ capacity: 2 });
    const anna = await signUp(t.app, cycle.slug, { firstName: 'Anna', lastName: 'Bianchi', organisation: 'Comune di Lecco', email: 'anna.b@lecco.example.it' });
    const bruno = await signUp(t.app, cycle.slug, { firstName: 'Bruno', lastName: 'Verdi', organisation: 'ASST Lariana', email: 'b.verdi@asst.example.it' });
    const carla = await signUp(t.app, cycle.slug, {
      firstName: 'Carla',
      lastName: 'Bianchini',
      organisation: 'Comune di Como',
      email: 'carla@como.example.it',
    });
    expect(carla.status).toBe('waitlisted');
    const ids = async (query: string) => (await list(cycle.id, query)).map((r) => r.id);

    expect(await ids('?q=bianchi')).toEqual([anna.id, carla.id]);
    expect(await ids('?q=BIANCHI%20como')).toEqual([carla.id]);
    expect(await ids('?q=asst.example')).toEqual([bruno.id]);
    expect(await ids('?q=comune&status=confirmed')).toEqual([anna.id]);
    expect(await ids('?q=%20%20')).toEqual([anna.id, bruno.id, carla.id]);
    // LIKE's wildcards typed by a person are letters, not wildcards.
    expect(await ids('?q=%25')).toEqual([]);
    expect(await ids('?q=_')).toEqual([]);
    const tooLong = await t.app.inject({
      method: 'GET',
      url: `/api/admin/cycles/${cycle.id}/registrations?q=${'a'.repeat(201)}`,
      headers: { cookie: org.cookie },
    });
    const err = expectErrorShape(tooLong.statusCode, tooLong.json(), { status: 400, code: 'validation_error' });
    expect(err.fields?.map((f) => f.field)).toEqual(['q']);
  });
});
