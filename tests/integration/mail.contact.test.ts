// Issue 15: every mail names whom to write to, and a reply reaches them. The organiser sets a cycle's
// contact through the API; the real job runner sends to a real SMTP server; mailparser reads Reply-To and
// both parts. A cycle without a contact falls back to the programme's (CONTACT_*), else says "do not reply".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { assign, signedIn, type Session } from '../helpers/auth.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';
import { startTestRunner, type JobRunner } from '../helpers/jobs.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.ts';
import { workerConfig } from './mail.support.ts';

const PROGRAMME = { CONTACT_NAME: 'Segreteria Lab’Impact', CONTACT_EMAIL: 'labimpact@anci.example.it' };

describe('the contact in every mail', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let worker: JobRunner;
  let org: Session;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await buildTestApp({ env: { SMTP_URL: sink.url, ...PROGRAMME } });
    worker = await startTestRunner(workerConfig(sink.url, PROGRAMME), t.database.url);
    org = await signedIn(t.app, t.database.db, 'organiser');
  });
  afterAll(async () => {
    await worker?.stop();
    await t?.close();
    await sink?.close();
  });

  const mailTo = async (email: string, n = 1) => {
    await sink.waitFor(() => sink.to(email).length >= n, `${n} mail(s) to ${email}`);
    return sink.to(email)[n - 1]!.parsed!;
  };
  const register = async (slug: string) => {
    const body = registrationBody();
    const res = await t.app.inject({ method: 'POST', url: `/api/cycles/${slug}/registrations`, payload: body });
    expect(res.statusCode).toBe(201);
    return body.email as string;
  };

  it("carries the cycle's contact as Reply-To and shows it in the text and the HTML of the confirmation", async () => {
    const { cycle } = await createCycle(t.database.db);
    await assign(t.database.db, cycle.id, org.account.id);
    const contact = { contactName: 'Marta Colombo', contactEmail: 'Marta.Colombo@comune.example.it', contactPhone: '+39 02 1234 5678' };
    const set = await t.app.inject({ method: 'PATCH', url: `/api/admin/cycles/${cycle.id}`, headers: org.headers, payload: contact });
    expect(set.statusCode).toBe(200);

    const email = await register(cycle.slug);
    const mail = await mailTo(email);
    const replyTo = (mail.replyTo?.value ?? []).map((a) => ({ name: a.name, address: a.address }));
    expect(replyTo).toEqual([{ name: 'Marta Colombo', address: 'marta.colombo@comune.example.it' }]);
    // The sender stays the no-reply address of the configuration.
    expect(mail.from?.value[0]?.address).toBe('no-reply@localhost');
    expect(mail.text).toContain('Per domande scrivi a Marta Colombo (basta rispondere a questa email): marta.colombo@comune.example.it');
    expect(mail.text).toContain('+39 02 1234 5678');
    expect(mail.text).not.toContain('non rispondere');
    expect(mail.html).toContain('href="mailto:marta.colombo@comune.example.it"');
    expect(mail.html).toContain('href="tel:+390212345678"');
    expect(mail.html).toContain('Marta Colombo');
  });

  it("gives an organiser's message the cycle's contact as Reply-To, read when the mail is composed", async () => {
    const { cycle } = await createCycle(t.database.db);
    await assign(t.database.db, cycle.id, org.account.id);
    const email = await register(cycle.slug);
    await mailTo(email);
    // Set after the sign-up: the message's job carries ids only, the contact is read at send time.
    const set = await t.app.inject({
      method: 'PATCH',
      url: `/api/admin/cycles/${cycle.id}`,
      headers: org.headers,
      payload: { contactName: 'Luca Ferri', contactEmail: 'luca.ferri@comune.example.it' },
    });
    expect(set.statusCode).toBe(200);
    const send = await t.app.inject({
      method: 'POST',
      url: `/api/admin/cycles/${cycle.id}/messages`,
      headers: org.headers,
      payload: { subject: 'Aula cambiata', body: 'Ci vediamo in aula 3.', messageId: crypto.randomUUID() },
    });
    expect(send.statusCode).toBe(202);
    const mail = await mailTo(email, 2);
    expect(mail.subject).toContain('Aula cambiata');
    expect(mail.replyTo?.value[0]?.address).toBe('luca.ferri@comune.example.it');
    expect(mail.text).toContain('Per domande scrivi a Luca Ferri');
  });

  it("falls back to the programme's contact for a cycle without one", async () => {
    const { cycle } = await createCycle(t.database.db);
    const email = await register(cycle.slug);
    const mail = await mailTo(email);
    expect(mail.replyTo?.value[0]?.address).toBe(PROGRAMME.CONTACT_EMAIL);
    expect(mail.text).toContain(`Per domande scrivi a ${PROGRAMME.CONTACT_NAME}`);
    expect(mail.html).toContain(`href="mailto:${PROGRAMME.CONTACT_EMAIL}"`);
    const view = await t.app.inject({ method: 'GET', url: `/api/cycles/${cycle.slug}` });
    expect(view.json().contact).toEqual({ name: PROGRAMME.CONTACT_NAME, email: PROGRAMME.CONTACT_EMAIL, phone: null });
  });
});
