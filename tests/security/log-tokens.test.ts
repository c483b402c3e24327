// Finding 5: secret links must not be written to the request log. The attack is reading a log file:
// every request below carries a participant's manage or calendar token, and no log line may contain it.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { freePort } from '../helpers/server-process.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';
import { request, tokenOf } from '../helpers/http.ts';
import { redactUrl } from '../../server/lib/log-redact.ts';

describe('request log', () => {
  let t: TestApp;
  let base: string;
  const lines: string[] = [];

  beforeAll(async () => {
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await buildTestApp({ web: true, env: { PUBLIC_URL: base }, logger: { level: 'info', stream } });
    await t.app.listen({ port, host: '127.0.0.1' });
  }, 60_000);
  afterAll(async () => t?.close());

  it('never contains a manage or calendar token, from the API, the feeds or the pages', async () => {
    const { cycle } = await createCycle(t.database.db);
    const res = await request(base, 'POST', `/api/cycles/${cycle.slug}/registrations`, registrationBody());
    expect(res.status).toBe(201);
    const manage = tokenOf(res.body.registration);
    const calendar = new URL(res.body.registration.calendarUrl).pathname
      .split('/')
      .pop()!
      .replace(/\.ics$/, '');
    const sessionId = (await request(base, 'GET', `/api/cycles/${cycle.slug}`)).body.sessions[0].id;

    lines.length = 0;
    for (const path of [
      `/api/registrations/${manage}`,
      `/api/registrations/${manage}/qr?format=svg`,
      `/ical/registrations/${calendar}.ics`,
      `/iscrizione/${manage}`,
      `/presenza/${sessionId}?t=${manage}`,
    ]) {
      const r = await fetch(`${base}${path}`);
      expect(r.status, path).toBeLessThan(500);
      await r.arrayBuffer();
    }
    const log = lines.join('');
    // The log really holds these requests (so the test can't pass on an empty log)...
    expect(log).toContain('/ical/registrations/:token~');
    expect(log).toContain('/iscrizione/:token~');
    expect(log).toMatch(/\/presenza\/[0-9a-f-]{36}\?t=:token~/);
    // ...and neither secret.
    expect(log).not.toContain(manage);
    expect(log).not.toContain(calendar);
  });

  it('redacts tokens, certificate codes and secret query values, and keeps ordinary paths', () => {
    const tok = 'A'.repeat(43);
    expect(redactUrl(`/api/registrations/${tok}/cancel`)).toMatch(/^\/api\/registrations\/:token~[0-9a-f]{8}\/cancel$/);
    expect(redactUrl('/verifica/ABCDEFGHJKMN')).toMatch(/^\/verifica\/:token~[0-9a-f]{8}$/);
    // The old address (printed QR codes) is still requested, then redirected: also redacted.
    expect(redactUrl('/verify/ABCDEFGHJKMN')).toMatch(/^\/verify\/:token~[0-9a-f]{8}$/);
    expect(redactUrl(`/x?lang=en&t=${tok}`)).toMatch(/^\/x\?lang=en&t=:token~[0-9a-f]{8}$/);
    expect(redactUrl('/api/cycles/mediazione-interculturale?when=all')).toBe('/api/cycles/mediazione-interculturale?when=all');
    expect(redactUrl('/api/admin/sessions/3f1c2a9e-1111-4222-8333-944455556666/attendance')).toBe(
      '/api/admin/sessions/3f1c2a9e-1111-4222-8333-944455556666/attendance',
    );
  });
});
