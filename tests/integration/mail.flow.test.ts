// The mail that follows what people and organisers do, end to end: the real app enqueues in its
// transactions, the real worker sends to a real SMTP server (smtp-server), mailparser reads what arrived.
import ICAL from 'ical.js';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionUid } from '../../server/modules/calendars/calendars.ics.ts';
import * as queue from '../../server/modules/mail/mail.queue.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';
import { startSmtpSink, waitUntil, type SinkMessage, type SmtpSink } from '../helpers/smtp.ts';
import { logRows, queuedMailJobs, workerConfig } from './mail.support.ts';
import { startTestRunner, type JobRunner } from '../helpers/jobs.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** iCalendar times have whole seconds; the factories' start times do not. */
const toSecond = (ms: number) => Math.floor(ms / 1000) * 1000;

function calendarOf(m: SinkMessage) {
  const part = m.parsed!.attachments.find((a) => a.contentType.startsWith('text/calendar'));
  if (!part) return null;
  const cal = new ICAL.Component(ICAL.parse(part.content.toString('utf8')));
  return {
    method: cal.getFirstPropertyValue('method'),
    uids: cal.getAllSubcomponents('vevent').map((v) => String(v.getFirstPropertyValue('uid'))),
    events: cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v)),
  };
}

describe('mail that follows registrations and session changes', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let worker: JobRunner;
  const errors: string[] = [];

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await buildTestApp({ env: { SMTP_URL: sink.url } });
    worker = await startTestRunner(workerConfig(sink.url), t.database.url, { errors });
  });
  afterAll(async () => {
    await worker?.stop();
    await t?.close();
    await sink?.close();
  });

  async function register(slug: string, overrides: Record<string, unknown> = {}) {
    const body = registrationBody(overrides);
    const res = await t.app.inject({ method: 'POST', url: `/api/cycles/${slug}/registrations`, payload: body });
    expect(res.statusCode).toBe(201);
    return { email: body.email as string, registration: res.json().registration as { id: string; manageUrl: string; calendarUrl: string; status: string } };
  }
  /** One tick of the reminder scheduler at `at` (the worker's cron runs the same every minute). */
  const tick = (at: Date | number) => queue.enqueueDueReminders(t.database.db, t.config.reminderOffsetsMs, new Date(at));
  /** The reminders the scheduler has queued for a registration: "<sessionId>:<offsetMs>". */
  const remindersOf = async (registrationId: string) =>
    (await t.database.db.selectFrom('reminders_sent').select(['session_id', 'offset_ms']).where('registration_id', '=', registrationId).execute())
      .map((r) => `${r.session_id}:${r.offset_ms}`)
      .sort();
  /** Reminders a tick at `at` queues for this registration (other tests' registrations share the database). */
  const tickFor = async (registrationId: string, at: Date | number) => {
    const before = (await remindersOf(registrationId)).length;
    await tick(at);
    return (await remindersOf(registrationId)).length - before;
  };
  const mailTo = async (email: string, n = 1) => {
    await sink.waitFor(() => sink.to(email).length >= n, `${n} mail(s) to ${email}`);
    return sink.to(email);
  };

  it('confirms a registration by mail with dates, links and the meetings as METHOD:REQUEST', async () => {
    const { cycle, sessions } = await createCycle(t.database.db, { capacity: 5, title: 'Welfare di comunità' });
    const { email, registration } = await register(cycle.slug);
    const [mail] = await mailTo(email);
    const p = mail!.parsed!;
    expect(p.subject).toBe('Iscrizione confermata: Welfare di comunità');
    expect(p.text).toContain(registration.manageUrl);
    expect(p.html).toContain(`href="${registration.manageUrl}"`);
    expect(p.text).toContain(registration.calendarUrl.replace('http://', 'webcal://'));
    const cal = calendarOf(mail!)!;
    expect(cal.method).toBe('REQUEST');
    expect(cal.uids.sort()).toEqual(sessions.map((s) => sessionUid(s.id, t.config.publicUrl)).sort());
    // The sink holds the message before the worker reads the server's 250 and marks the row sent.
    const confirmed = () => logRows(t.database.db, { registrationId: registration.id, template: 'registration-confirmed' });
    await waitUntil(async () => (await confirmed())[0]?.status !== 'sending', 'the confirmation marked sent');
    const [row] = await confirmed();
    expect(row).toMatchObject({ status: 'sent', recipient: email, attempts: 1, possible_duplicate: false });
    expect(row!.smtp_response).toMatch(/^250/);
  });

  it('queues each reminder once, when it is due (start minus offset), never one already past at sign-up', async () => {
    const { cycle, sessions } = await createCycle(t.database.db, { capacity: 5, sessionDays: [1, 7] });
    const { email, registration } = await register(cycle.slug);
    await mailTo(email);
    const [s1, s2] = [new Date(sessions[0]!.starts_at).getTime(), new Date(sessions[1]!.starts_at).getTime()];
    // Nothing is due yet, and sign-up queued nothing but the confirmation.
    expect(await tickFor(registration.id, Date.now())).toBe(0);
    expect(await queuedMailJobs(t.database.db, `reminder:${registration.id}:`)).toHaveLength(0);
    // Session 1 is one day away: its two-day reminder was already past at sign-up and is never owed.
    expect(await tickFor(registration.id, s1 - 2 * DAY + 1_000)).toBe(0);
    // Its two-hour reminder: due at start - 2 h, queued once however many ticks run.
    expect(await tickFor(registration.id, s1 - 2 * HOUR - 1_000)).toBe(0);
    expect(await tickFor(registration.id, s1 - 2 * HOUR + 1_000)).toBe(1);
    expect(await tickFor(registration.id, s1 - 2 * HOUR + 61_000)).toBe(0);
    expect(await tickFor(registration.id, s2 - 2 * DAY + 1_000)).toBe(1);
    expect(await tickFor(registration.id, s2 - 2 * HOUR + 1_000)).toBe(1);
    expect(await tickFor(registration.id, s2 - 2 * HOUR + 2_000)).toBe(0);
    expect(await remindersOf(registration.id)).toEqual(
      [`${sessions[0]!.id}:${2 * HOUR}`, `${sessions[1]!.id}:${2 * DAY}`, `${sessions[1]!.id}:${2 * HOUR}`].sort(),
    );
  });

  it('tells a waitlisted person their position, and promotes them by mail when a seat frees', async () => {
    const { cycle, sessions } = await createCycle(t.database.db, { capacity: 1 });
    const first = await register(cycle.slug);
    const second = await register(cycle.slug, { locale: 'en' });
    expect(second.registration.status).toBe('waitlisted');
    const [waitMail] = await mailTo(second.email);
    expect(waitMail!.parsed!.subject).toBe(`You are on the waiting list (position 1): ${cycle.title}`);
    expect(waitMail!.parsed!.text).toContain('You are first in line');
    expect(calendarOf(waitMail!)).toBeNull();
    await mailTo(first.email);

    const cancel = await t.app.inject({ method: 'POST', url: `/api/registrations/${new URL(first.registration.manageUrl).pathname.split('/').pop()}/cancel` });
    expect(cancel.statusCode).toBe(200);
    const firstMails = await mailTo(first.email, 2);
    const cancelled = firstMails[1]!;
    expect(cancelled.parsed!.subject).toBe(`Iscrizione annullata: ${cycle.title}`);
    expect(calendarOf(cancelled)!.method).toBe('CANCEL');
    const secondMails = await mailTo(second.email, 2);
    const promoted = secondMails[1]!;
    expect(promoted.parsed!.subject).toBe(`A seat is free: you are in for ${cycle.title}`);
    expect(calendarOf(promoted)!.method).toBe('REQUEST');
    // Reminders follow the seat with nothing rescheduled: the promoted person's come due, the cancelled one's never.
    expect(await tickFor(second.registration.id, new Date(sessions[0]!.starts_at).getTime() - 2 * HOUR + 1_000)).toBe(1);
    expect(await remindersOf(first.registration.id)).toEqual([]);
    expect(await remindersOf(second.registration.id)).toEqual([`${sessions[0]!.id}:${2 * HOUR}`]);
  });

  it('a moved session: a change mail (was → now, same UID, higher SEQUENCE); its reminders follow the new time', async () => {
    const { cycle, sessions } = await createCycle(t.database.db, { capacity: 5, sessionDays: [10, 17] });
    const { email, registration } = await register(cycle.slug);
    await mailTo(email);
    const s = sessions[0]!;
    const newStart = new Date(new Date(s.starts_at).getTime() + 3 * DAY);
    const newEnd = new Date(newStart.getTime() + 3 * HOUR);
    // Through the sessions service (calendars issue): it bumps SEQUENCE and calls notifier.sessionChanged.
    const changed = await t.app.services.sessions.changeSession(s.id, { startsAt: newStart, endsAt: newEnd, location: 'Bergamo, Via Tasso 8' });
    expect(changed.change).toBe('moved');

    const mails = await mailTo(email, 2);
    const change = mails[1]!;
    expect(change.parsed!.subject).toBe(`Incontro spostato: ${s.title} (${cycle.title})`);
    expect(change.parsed!.text).toMatch(/prima: .*\n\s+ora: /);
    expect(change.parsed!.text).toContain('Bergamo, Via Tasso 8');
    const cal = calendarOf(change)!;
    expect(cal.method).toBe('REQUEST');
    expect(cal.uids).toEqual([sessionUid(s.id, t.config.publicUrl)]);
    expect(cal.events[0]!.sequence).toBe(1);
    expect(cal.events[0]!.startDate.toJSDate().getTime()).toBe(toSecond(newStart.getTime()));

    // The old moment is no longer due; the new one is, once (the scheduler reads the meeting as it is now).
    const oldStart = new Date(s.starts_at).getTime();
    const moved = new Date(changed.session.startsAt).getTime();
    expect(await tickFor(registration.id, oldStart - 2 * HOUR + 1_000)).toBe(0);
    expect(await tickFor(registration.id, moved - 2 * HOUR + 1_000)).toBe(1);
    expect(await tickFor(registration.id, moved - 2 * HOUR + 2_000)).toBe(0);
    expect(await remindersOf(registration.id)).toEqual([`${s.id}:${2 * HOUR}`]);
  });

  it('a second move sends a second mail; a title-only change sends none', async () => {
    const { cycle, sessions } = await createCycle(t.database.db, { capacity: 5, sessionDays: [10] });
    const { email } = await register(cycle.slug);
    await mailTo(email);
    const s = sessions[0]!;
    const start = new Date(s.starts_at).getTime();
    await t.app.services.sessions.changeSession(s.id, { startsAt: new Date(start + HOUR), endsAt: new Date(start + 4 * HOUR) });
    await t.app.services.sessions.changeSession(s.id, { startsAt: new Date(start + 2 * HOUR), endsAt: new Date(start + 5 * HOUR) });
    await t.app.services.sessions.changeSession(s.id, { title: 'Incontro di apertura' });
    const mails = await mailTo(email, 3);
    // The two change mails may be delivered in either order (the worker sends in parallel).
    const [first, second] = [mails[1]!, mails[2]!].map(calendarOf).sort((a, b) => a!.events[0]!.sequence - b!.events[0]!.sequence);
    expect(first!.events[0]!.sequence).toBe(1);
    expect(second!.events[0]!.sequence).toBe(2);
    // Each mail shows its own step: 10:00 → 11:00, then 11:00 → 12:00 (Rome), not both the final time.
    expect(first!.events[0]!.startDate.toJSDate().getTime()).toBe(toSecond(start + HOUR));
    expect(second!.events[0]!.startDate.toJSDate().getTime()).toBe(toSecond(start + 2 * HOUR));
    await waitUntil(async () => (await queuedMailJobs(t.database.db, 'mail:session-changed:' + s.id)).length === 0, 'change jobs done');
    expect(sink.to(email)).toHaveLength(3);
  });

  it('a cancelled session: a cancellation mail (METHOD:CANCEL) to the registered and the waitlisted, reminders gone', async () => {
    const { cycle, sessions } = await createCycle(t.database.db, { capacity: 1, sessionDays: [10, 17] });
    const seat = await register(cycle.slug);
    const waiting = await register(cycle.slug);
    await mailTo(seat.email);
    await mailTo(waiting.email);
    const s = sessions[1]!;
    await t.app.services.sessions.changeSession(s.id, { status: 'cancelled' });

    const [, toSeat] = await mailTo(seat.email, 2);
    expect(toSeat!.parsed!.subject).toBe(`Incontro annullato: ${s.title} (${cycle.title})`);
    const cal = calendarOf(toSeat!)!;
    expect(cal.method).toBe('CANCEL');
    expect(cal.uids).toEqual([sessionUid(s.id, t.config.publicUrl)]);
    const [, toWaiting] = await mailTo(waiting.email, 2);
    expect(toWaiting!.parsed!.text).toContain('Sei ancora in lista d’attesa');
    expect(calendarOf(toWaiting!)).toBeNull();
    // The cancelled meeting is never due; the other one still is.
    expect(await tickFor(seat.registration.id, new Date(s.starts_at).getTime() - 2 * HOUR + 1_000)).toBe(0);
    expect(await tickFor(seat.registration.id, new Date(sessions[0]!.starts_at).getTime() - 2 * HOUR + 1_000)).toBe(1);
    expect(await remindersOf(seat.registration.id)).toEqual([`${sessions[0]!.id}:${2 * HOUR}`]);
  });

  it('sends a reminder at its time', async () => {
    // The two-hour reminder of a meeting starting in 2 h 3 s is due in 3 s: the tick of that moment sends it.
    const { cycle, sessions } = await createCycle(t.database.db, { capacity: 5, sessionDays: [(2 * HOUR + 3_000) / DAY] });
    const { email } = await register(cycle.slug, { locale: 'en' });
    await mailTo(email);
    expect(await tick(Date.now() + 3_000)).toBe(1);
    const mails = await mailTo(email, 2);
    expect(mails[1]!.parsed!.subject).toMatch(new RegExp(`^Reminder: ${cycle.title}, `));
    expect(mails[1]!.parsed!.text).toContain(sessions[0]!.title);
  });

  it('never sends a reminder for a meeting that has already started', async () => {
    const { cycle, sessions } = await createCycle(t.database.db, { capacity: 5, sessionDays: [5] });
    const { email, registration } = await register(cycle.slug);
    await mailTo(email);
    const s = sessions[0]!;
    // The meeting is moved to have begun a minute ago without any notification (a correction of the
    // record), and a reminder for that start time is due now.
    const started = new Date(Date.now() - 60_000);
    await sql`UPDATE sessions SET starts_at = ${started}, ends_at = ${new Date(started.getTime() + 3 * HOUR)} WHERE id = ${s.id}`.execute(t.database.db);
    await queue.enqueue(t.database.db, {
      kind: 'session-reminder',
      registrationId: registration.id,
      sessionId: s.id,
      offsetMs: 2 * HOUR,
      startsAtMs: started.getTime(),
    });
    await waitUntil(
      async () => (await logRows(t.database.db, { registrationId: registration.id, template: 'session-reminder' })).length > 0,
      'reminder decided',
    );
    const [row] = await logRows(t.database.db, { registrationId: registration.id, template: 'session-reminder' });
    expect(row).toMatchObject({ status: 'skipped', error: 'the meeting has already started' });
    expect(sink.to(email)).toHaveLength(1);
    expect(errors).toEqual([]);
  });
});
