// Without SMTP_URL every mail is written under DATA_DIR/mail and shown at /dev/mail (never in production).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';
import { waitUntil } from '../helpers/smtp.ts';
import { startTestRunner, type JobRunner } from '../helpers/jobs.ts';

describe('/dev/mail', () => {
  let dir: string;
  let t: TestApp;
  let worker: JobRunner;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'officina-devmail-'));
    t = await buildTestApp({ env: { NODE_ENV: 'development', DATA_DIR: dir } });
    worker = await startTestRunner(t.config, t.database.url);
  });
  afterAll(async () => {
    await worker?.stop();
    await t?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists a message in development and shows it, HTML sandboxed', async () => {
    expect(worker.transport.kind).toBe('outbox');
    const { cycle } = await createCycle(t.database.db, { title: 'Comunicazione <generativa>' });
    const res = await t.app.inject({ method: 'POST', url: `/api/cycles/${cycle.slug}/registrations`, payload: registrationBody() });
    expect(res.statusCode).toBe(201);
    const outbox = path.join(dir, 'mail');
    await waitUntil(() => fs.existsSync(outbox) && fs.readdirSync(outbox).some((f) => f.endsWith('.json')), 'the outbox file');
    const eml = fs.readdirSync(outbox).find((f) => f.endsWith('.eml'))!;
    expect(fs.readFileSync(path.join(outbox, eml), 'utf8')).toMatch(/^Content-Type: text\/calendar; charset=utf-8; method=REQUEST/m);
    const id = eml.slice(0, -4);

    const list = await t.app.inject({ url: '/dev/mail' });
    expect(list.statusCode).toBe(200);
    expect(list.headers['content-type']).toMatch(/^text\/html/);
    expect(list.body).toContain(`href="/dev/mail/${id}"`);
    expect(list.body).toContain('Iscrizione confermata: Comunicazione &lt;generativa&gt;');

    const one = await t.app.inject({ url: `/dev/mail/${id}` });
    expect(one.statusCode).toBe(200);
    expect(one.body).toContain('<iframe sandbox');
    expect(one.body).toContain(res.json().registration.manageUrl);
    const html = await t.app.inject({ url: `/dev/mail/${id}/html` });
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-security-policy']).toMatch(/^sandbox;/);
    expect(html.body).toContain(`<html lang="it" `);
    const raw = await t.app.inject({ url: `/dev/mail/${id}/raw` });
    expect(raw.headers['content-type']).toMatch(/^message\/rfc822/);

    expect((await t.app.inject({ url: '/dev/mail/0000000000000-00000000' })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/dev/mail/..%2f..%2fsecret.key' })).statusCode).toBe(404);
  });

  it('is 404 in production', async () => {
    const prod = await buildTestApp({ env: { NODE_ENV: 'production', DATA_DIR: dir }, database: t.database });
    try {
      for (const url of ['/dev/mail', '/dev/mail/0000000000000-00000000', '/dev/mail/0000000000000-00000000/html']) {
        const res = await prod.app.inject({ url });
        expect(res.statusCode, url).toBe(404);
        expect(res.json().code).toBe('not_found');
      }
    } finally {
      await prod.close();
    }
  });
});
