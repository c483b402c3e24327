// Finding 2 of the security issue: the link to join an online meeting is for confirmed participants
// only. The attack is reading it where anyone can: the catalogue, the cycle, the public calendar feeds,
// the cycle page's HTML (SvelteKit serialises its page data into it); or as someone who holds no seat
// (waiting list, cancelled). Each of these must not carry the URL; a confirmed person's own view,
// private feed and confirmation mail must. Needs the built pages (`npm run build`).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { assign, signedIn } from '../helpers/auth.ts';
import { freePort } from '../helpers/server-process.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.ts';
import { workerConfig } from '../integration/mail.support.ts';
import { startTestRunner, type JobRunner } from '../helpers/jobs.ts';

// Unique per run, so a match can only come from this cycle's sessions.
const SECRET = `meet.example.org/lab-${randomBytes(6).toString('hex')}`;
const ONLINE_URL = `https://${SECRET}`;
const HIDDEN_IT = 'il link arriva a chi ha il posto confermato';
const HIDDEN_EN = 'the link is sent to confirmed participants';

interface Person {
  email: string;
  id: string;
  token: string;
  calendarUrl: string;
}

let sink: SmtpSink;
let t: TestApp;
let worker: JobRunner;
let base: string;
let slug: string;
let cycleId: string;
let confirmed: Person;
let waitlisted: Person;
let cancelled: Person;

const text = async (path: string, headers: Record<string, string> = {}) => {
  const res = await fetch(`${base}${path}`, { headers });
  expect(res.status, path).toBe(200);
  return res.text();
};
const feedPath = (p: Person) => new URL(p.calendarUrl).pathname;

async function signUp(): Promise<Person> {
  const body = registrationBody();
  const res = await fetch(`${base}/api/cycles/${slug}/registrations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const r = (await res.json()).registration;
  expect(res.status).toBe(201);
  // The sign-up answer is not where the link is given either (docs/http-api.md: the answer is a Registration).
  expect(JSON.stringify(r)).not.toContain(SECRET);
  return { email: body.email, id: r.id, token: new URL(r.manageUrl).pathname.split('/').pop()!, calendarUrl: r.calendarUrl };
}

const mailTo = async (email: string, subject: RegExp) => {
  await sink.waitFor(() => sink.to(email).some((m) => subject.test(m.parsed!.subject ?? '')), `mail ${subject} to ${email}`);
  const m = sink.to(email).find((x) => subject.test(x.parsed!.subject ?? ''))!;
  // Text, HTML and the calendar attachment, decoded.
  const p = m.parsed!;
  const calendar = p.attachments.map((a) => a.content.toString('utf8').replace(/\r\n /g, ''));
  return [p.text ?? '', typeof p.html === 'string' ? p.html : '', ...calendar].join('\n');
};

beforeAll(async () => {
  sink = await startSmtpSink();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await buildTestApp({ web: true, env: { PUBLIC_URL: base, SMTP_URL: sink.url } });
  await t.app.listen({ port, host: '127.0.0.1' });
  worker = await startTestRunner(workerConfig(sink.url, { PUBLIC_URL: base }), t.database.url);
  const { cycle } = await createCycle(t.database.db, { format: 'hybrid', capacity: 2, onlineUrl: ONLINE_URL, title: 'Welfare online' });
  slug = cycle.slug;
  cycleId = cycle.id;
  // Two seats: one person confirmed then cancelled (they had the link once), then the seats fill up
  // and the next person waits.
  cancelled = await signUp();
  expect((await fetch(`${base}/api/registrations/${cancelled.token}/cancel`, { method: 'POST' })).status).toBe(200);
  confirmed = await signUp();
  await signUp();
  waitlisted = await signUp();
  const status = await t.database.db.selectFrom('registrations').select(['id', 'status']).where('cycle_id', '=', cycleId).execute();
  const of = (p: Person) => status.find((s) => s.id === p.id)?.status;
  expect([of(confirmed), of(waitlisted), of(cancelled)]).toEqual(['confirmed', 'waitlisted', 'cancelled']);
}, 60_000);

afterAll(async () => {
  await worker?.stop();
  await t?.close();
  await sink?.close();
});

describe('the online link is not public', () => {
  it('is in neither the catalogue nor the cycle (JSON), which still say the meetings are online', async () => {
    for (const path of ['/api/cycles', '/api/cycles?when=all', `/api/cycles/${slug}`, `/api/cycles/${slug}?lang=en`]) {
      expect(await text(path), path).not.toContain(SECRET);
    }
    const cycle = JSON.parse(await text(`/api/cycles/${slug}`));
    expect(cycle.sessions.map((s: { onlineUrl: unknown; online: unknown }) => [s.onlineUrl, s.online])).toEqual(cycle.sessions.map(() => [null, true]));
  });

  it('is in neither public calendar feed, which say "online" without it', async () => {
    for (const [path, note] of [
      [`/ical/cycles/${slug}.ics`, HIDDEN_IT],
      [`/ical/cycles/${slug}.ics?lang=en`, HIDDEN_EN],
      ['/ical/catalogue.ics', HIDDEN_IT],
      ['/ical/catalogue.ics?lang=en', HIDDEN_EN],
    ] as const) {
      const body = (await text(path)).replace(/\r\n /g, '');
      expect(body, path).not.toContain(SECRET);
      expect(body, path).toContain(note);
    }
  });

  it('is not in the HTML of the cycle page, Italian or English', async () => {
    for (const path of [`/cicli/${slug}`, `/en/cicli/${slug}`]) {
      const html = await text(path);
      expect(html, path).toContain('Welfare online');
      expect(html, path).not.toContain(SECRET);
    }
  });

  it('reaches nobody on the waiting list: view, page, private feed, mail', async () => {
    const view = await text(`/api/registrations/${waitlisted.token}`);
    expect(view).not.toContain(SECRET);
    expect(JSON.parse(view).cycle.sessions.every((s: { onlineUrl: unknown; online: boolean }) => s.onlineUrl === null && s.online)).toBe(true);
    expect(await text(`/iscrizione/${waitlisted.token}`)).not.toContain(SECRET);
    expect((await text(feedPath(waitlisted))).replace(/\r\n /g, '')).not.toContain(SECRET);
    expect(await mailTo(waitlisted.email, /lista d.attesa/i)).not.toContain(SECRET);
  });

  it('reaches nobody who cancelled: view, page, private feed, cancellation mail', async () => {
    expect(await text(`/api/registrations/${cancelled.token}`)).not.toContain(SECRET);
    expect(await text(`/iscrizione/${cancelled.token}`)).not.toContain(SECRET);
    expect((await text(feedPath(cancelled))).replace(/\r\n /g, '')).not.toContain(SECRET);
    expect(await mailTo(cancelled.email, /annullat/i)).not.toContain(SECRET);
  });
});

describe('the online link reaches those who should have it', () => {
  it('a confirmed participant: own view, own page, private feed, confirmation mail', async () => {
    const view = JSON.parse(await text(`/api/registrations/${confirmed.token}`));
    expect(view.cycle.sessions.map((s: { onlineUrl: string }) => s.onlineUrl)).toEqual(view.cycle.sessions.map(() => ONLINE_URL));
    expect(await text(`/iscrizione/${confirmed.token}`)).toContain(SECRET);
    expect((await text(feedPath(confirmed))).replace(/\r\n /g, '')).toContain(SECRET);
    expect(await mailTo(confirmed.email, /confermata/i)).toContain(SECRET);
  });

  it('the organiser console', async () => {
    const session = await signedIn(t.app, t.database.db);
    await assign(t.database.db, cycleId, session.account.id);
    const res = await t.app.inject({ method: 'GET', url: `/api/admin/cycles/${cycleId}`, headers: session.headers });
    expect(res.statusCode).toBe(200);
    expect(res.json().sessions.map((s: { onlineUrl: string }) => s.onlineUrl)).toEqual(res.json().sessions.map(() => ONLINE_URL));
  });
});
