// Organisers writing to a cycle: one mail per registration in the chosen statuses, a double click sends
// nothing twice, and a job replayed after its mail went out is recognised by the send log.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../server/lib/errors.ts';
import * as queue from '../../server/modules/mail/mail.queue.ts';
import { mailService, type MailService } from '../../server/modules/mail/mail.service.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { createCycle } from '../helpers/factories.ts';
import { startSmtpSink, waitUntil, type SmtpSink } from '../helpers/smtp.ts';
import { insertRegistrations, logRows, queuedMailJobs, workerConfig } from './mail.support.ts';
import { startTestRunner, type JobRunner } from '../helpers/jobs.ts';

describe('bulk messages to a cycle', () => {
  let database: TestDatabase;
  let sink: SmtpSink;
  let worker: JobRunner;
  let mail: MailService;

  beforeAll(async () => {
    database = await createTestDatabase();
    sink = await startSmtpSink();
    worker = await startTestRunner(workerConfig(sink.url), database.url);
    mail = mailService({ db: database.db });
  });
  afterAll(async () => {
    await worker?.stop();
    await sink?.close();
    await database?.drop();
  });

  const drained = () => waitUntil(async () => (await queuedMailJobs(database.db, 'mail:organiser-message:')).length === 0, 'bulk jobs done');

  it('sends one mail per person in the chosen statuses; the same message twice (double click) sends once', async () => {
    const { cycle } = await createCycle(database.db, { capacity: 10 });
    const confirmed = await insertRegistrations(database.db, cycle.id, 3, { emailPrefix: 'seat' });
    const waiting = await insertRegistrations(database.db, cycle.id, 2, { status: 'waitlisted', emailPrefix: 'wait', locale: 'en' });
    const input = { subject: 'Materiali da portare', body: 'Portate un computer portatile.\nGrazie!' };
    const [one, two] = await Promise.all([mail.sendToCycle(cycle.id, input), mail.sendToCycle(cycle.id, input)]);
    expect(one!.messageId).toBe(two!.messageId);
    expect([one!.duplicate, two!.duplicate].sort()).toEqual([false, true]);
    expect(one!.recipients).toBe(3);
    await sink.waitFor(() => confirmed.every((p) => sink.to(p.email).length === 1), 'one mail each');
    await drained();
    for (const p of confirmed) {
      expect(sink.to(p.email)).toHaveLength(1);
      expect(sink.to(p.email)[0]!.parsed!.subject).toBe(`Materiali da portare — ${cycle.title}`);
      expect(sink.to(p.email)[0]!.parsed!.text).toContain('Portate un computer portatile.\nGrazie!');
    }
    for (const p of waiting) expect(sink.to(p.email)).toHaveLength(0);

    // Once delivered, the same message id again still adds nothing.
    const again = await mail.sendToCycle(cycle.id, input);
    expect(again).toMatchObject({ duplicate: true, recipients: 3 });
    expect(await queuedMailJobs(database.db, `mail:organiser-message:${one!.messageId}`)).toHaveLength(0);

    // A new message id (a new form) is a new message, here to the waiting list only, in their language.
    const toWaiting = await mail.sendToCycle(cycle.id, { ...input, statuses: ['waitlisted'], messageId: randomUUID() });
    expect(toWaiting).toMatchObject({ duplicate: false, recipients: 2 });
    await sink.waitFor(() => waiting.every((p) => sink.to(p.email).length === 1), 'the waiting list');
    expect(sink.to(waiting[0]!.email)[0]!.parsed!.html).toContain('<html lang="en" ');
  });

  it('a job replayed after its mail went out sends nothing: the send log already says sent', async () => {
    const { cycle } = await createCycle(database.db, { capacity: 10 });
    const [person] = await insertRegistrations(database.db, cycle.id, 1);
    const { messageId } = await mail.sendToCycle(cycle.id, { subject: 'Uno', body: 'Una volta sola.' });
    await sink.waitFor(() => sink.to(person!.email).length === 1, 'first delivery');
    await drained();
    // graphile-worker forgets a job key once the job is done; enqueue the very same job again.
    await queue.enqueue(database.db, { kind: 'organiser-message', registrationId: person!.id, messageId });
    await drained();
    expect(sink.to(person!.email)).toHaveLength(1);
    const [row] = await logRows(database.db, { registrationId: person!.id });
    expect(row).toMatchObject({ status: 'sent', attempts: 1, possible_duplicate: false });
  });

  it('refuses an empty subject (400) and an unknown cycle (404)', async () => {
    const { cycle } = await createCycle(database.db);
    await expect(mail.sendToCycle(cycle.id, { subject: '  ', body: 'x' })).rejects.toMatchObject({ statusCode: 400, code: 'validation_error' });
    await expect(mail.sendToCycle(cycle.id, { subject: 'a\nb', body: 'x' })).rejects.toBeInstanceOf(AppError);
    await expect(mail.sendToCycle(randomUUID(), { subject: 'Ciao', body: 'x' })).rejects.toMatchObject({ statusCode: 404 });
    await expect(mail.sendToCycle('not-a-uuid', { subject: 'Ciao', body: 'x' })).rejects.toMatchObject({ statusCode: 404 });
  });
});
