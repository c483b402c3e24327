// The attendance sheet as CSV: BOM, separators, one column per session, formula injection neutralised,
// RFC 4180 quoting, the percentage over held sessions, and a download (Content-Disposition).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvCell } from '../../server/modules/exports/exports.csv.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { assign, signedIn, type Session } from '../helpers/auth.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';

const DAY = 86_400_000;
let t: TestApp;
let org: Session;
beforeAll(async () => {
  t = await buildTestApp();
  org = await signedIn(t.app, t.database.db, 'organiser');
});
afterAll(async () => t?.close());

/** A small RFC 4180 reader, so the test checks what a spreadsheet would see. */
function parseCsv(text: string, sep: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === sep) {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  if (cell || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

async function setUp() {
  const { cycle, sessions } = await createCycle(t.database.db, { capacity: 10, sessionDays: [30, 31, 32] });
  await assign(t.database.db, cycle.id, org.account.id);
  const people = [
    registrationBody({ firstName: 'Anna', lastName: 'Bianchi', organisation: 'Comune di Lecco, "Servizi sociali"' }),
    registrationBody({
      firstName: '=HYPERLINK("http://evil.example","clic")',
      lastName: '+SUM(A1:A9)',
      organisation: '-2+3',
      role: '@cmd',
      network: 'Ambito; Dalmine',
    }),
  ];
  const ids: string[] = [];
  for (const body of people) {
    const res = await t.app.inject({ method: 'POST', url: `/api/cycles/${cycle.slug}/registrations`, payload: body });
    ids.push(res.json().registration.id);
  }
  // Leading tab and carriage return can't come through the API (it trims): written directly.
  await t.database.db.updateTable('registrations').set({ network: '\tTab', role: '\rCR' }).where('id', '=', ids[0]!).execute();
  // Two sessions held, one still to come.
  for (const [i, d] of [-14, -7, 7].entries()) {
    const start = new Date(Date.now() + d * DAY);
    await t.database.db
      .updateTable('sessions')
      .set({ starts_at: start, ends_at: new Date(start.getTime() + 7_200_000) })
      .where('id', '=', sessions[i]!.id)
      .execute();
  }
  for (const [sessionIdx, regIdx, present] of [
    [0, 0, true],
    [1, 0, true],
    [0, 1, true],
    [1, 1, false],
  ] as const) {
    const res = await t.app.inject({
      method: 'PUT',
      url: `/api/admin/sessions/${sessions[sessionIdx]!.id}/attendance/${ids[regIdx]}`,
      headers: org.headers,
      payload: { present },
    });
    expect(res.statusCode).toBe(200);
  }
  return { cycle, sessions, ids };
}

const download = (cycleId: string, q = '') =>
  t.app.inject({ method: 'GET', url: `/api/admin/cycles/${cycleId}/export.csv${q}`, headers: { cookie: org.cookie } });

describe('GET /api/admin/cycles/:id/export.csv', () => {
  it('is a UTF-8 CSV with BOM, CRLF, an attachment, and one column per session', async () => {
    const { cycle, sessions } = await setUp();
    const res = await download(cycle.id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${cycle.slug}-presenze.csv"`);
    expect(res.headers['cache-control']).toBe('no-store');
    const bytes = res.rawPayload;
    expect(bytes.subarray(0, 3).toString('hex')).toBe('efbbbf');
    const text = bytes.subarray(3).toString('utf8');
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/\n/);
    const rows = parseCsv(text, ',');
    expect(rows).toHaveLength(3);
    const header = rows[0]!;
    expect(header.slice(0, 9)).toEqual(['Cognome', 'Nome', 'Email', 'Ente', 'Ruolo', 'Rete territoriale', 'Stato', 'Origine', 'Iscrizione']);
    expect(header.slice(9, 9 + sessions.length).map((h) => h.split(' (')[0])).toEqual(sessions.map((s, i) => `${i + 1}. ${s.title}`));
    expect(header.slice(-3)).toEqual(['Presenze', 'Incontri svolti', '% presenza']);
    for (const r of rows) expect(r).toHaveLength(9 + sessions.length + 3);

    const anna = rows.find((r) => r[1] === 'Anna')!;
    expect(anna[3]).toBe('Comune di Lecco, "Servizi sociali"');
    expect(anna.slice(9)).toEqual(['presente', 'presente', '', '2', '2', '100%']);
  });

  it('neutralises formula injection: cells starting with = + - @ tab or CR get a leading apostrophe', async () => {
    const { cycle } = await setUp();
    const rows = parseCsv((await download(cycle.id)).rawPayload.subarray(3).toString('utf8'), ',');
    const evil = rows.find((r) => r[1]!.includes('HYPERLINK'))!;
    expect(evil[0]).toBe("'+SUM(A1:A9)");
    expect(evil[1]).toBe(`'=HYPERLINK("http://evil.example","clic")`);
    expect(evil[3]).toBe("'-2+3");
    expect(evil[4]).toBe("'@cmd");
    expect(evil[5]).toBe('Ambito; Dalmine');
    expect(evil.slice(9)).toEqual(['presente', 'assente', '', '1', '2', '50%']);
    const anna = rows.find((r) => r[1] === 'Anna')!;
    expect(anna[4]).toBe("'\rCR");
    expect(anna[5]).toBe("'\tTab");
    for (const v of ['=1', '+1', '-1', '@a', '\tx', '\rx']) expect(csvCell(v, ',').replace(/^"|"$/g, '').startsWith("'")).toBe(true);
    expect(csvCell('Comune di Como', ',')).toBe('Comune di Como');
  });

  it('uses semicolons and decimal commas with ?sep=semicolon (Italian Excel)', async () => {
    const { cycle, ids } = await setUp();
    // The third meeting moves into the past unmarked: Anna has 2 of 3, a percentage with a decimal.
    await t.database.db
      .updateTable('sessions')
      .set({ starts_at: new Date(Date.now() - DAY), ends_at: new Date(Date.now() - DAY + 3_600_000) })
      .where('cycle_id', '=', cycle.id)
      .where('starts_at', '>', new Date())
      .execute();
    const res = await download(cycle.id, '?sep=semicolon');
    const text = res.rawPayload.subarray(3).toString('utf8');
    const rows = parseCsv(text, ';');
    expect(rows[0]![0]).toBe('Cognome');
    expect(rows[0]).toHaveLength(9 + 3 + 3);
    const evil = rows.find((r) => r[1]!.includes('HYPERLINK'))!;
    // "Ambito; Dalmine" holds the separator: quoted, still one cell.
    expect(evil[5]).toBe('Ambito; Dalmine');
    expect(text).toContain('"Ambito; Dalmine"');
    const anna = rows.find((r) => r[1] === 'Anna')!;
    expect(anna.slice(-3)).toEqual(['2', '3', '66,7%']);
    expect(ids).toHaveLength(2);
  });

  it('speaks English with ?lang=en, and includes cancelled registrations only with include=all', async () => {
    const { cycle, ids } = await setUp();
    await t.app.inject({ method: 'POST', url: `/api/admin/registrations/${ids[1]}/cancel`, headers: org.headers });
    const en = await download(cycle.id, '?lang=en');
    expect(en.headers['content-disposition']).toContain('-attendance.csv');
    const rows = parseCsv(en.rawPayload.subarray(3).toString('utf8'), ',');
    expect(rows[0]!.slice(0, 2)).toEqual(['Last name', 'First name']);
    expect(rows).toHaveLength(2);
    expect(rows[1]!.slice(-6)).toEqual(['present', 'present', '', '2', '2', '100%']);
    const all = parseCsv((await download(cycle.id, '?include=all')).rawPayload.subarray(3).toString('utf8'), ',');
    expect(all).toHaveLength(3);
    expect(all.find((r) => r[1]!.includes('HYPERLINK'))![6]).toBe('annullata');
  });
});
