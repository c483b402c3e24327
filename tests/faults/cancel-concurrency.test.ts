// Cancellations, promotions from the waiting list, new sign-ups and the mail worker all at once, on one
// app process and on two app processes sharing one PostgreSQL, each cancellation sent twice at the same
// moment (a double click, or two tabs through two nodes). The mail worker's inserts into mail_messages
// take FOR KEY SHARE on the registration and the cycle through their foreign keys; a FOR UPDATE lock on
// either used to deadlock with them (40P01 → 500, and the cancellation never happened).
// What must hold: no 500 (every cancellation answered 200 once and 409 already_cancelled once), every
// cancellation applied once, the freed seats going to the head of the waiting list in its order, and
// each person exactly one mail per event at the SMTP sink.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';
import { request, tokenOf, type JsonResponse } from '../helpers/http.ts';
import { freePort, startServer, type ServerProcess } from '../helpers/server-process.ts';
import { startSmtpSink, waitUntil, type SmtpSink } from '../helpers/smtp.ts';

const SEATS = 26;
const WAITING = 40;
const LATE = 20;

/** The X-Officina-Template header of a raw message (which event the mail is about). */
function templateOf(raw: Buffer): string {
  const end = raw.indexOf('\r\n\r\n');
  const m = /^x-officina-template:\s*(\S+)/im.exec(raw.subarray(0, end < 0 ? raw.length : end).toString('latin1'));
  return m ? m[1]! : '';
}

interface Person {
  email: string;
  id: string;
  token: string;
}

async function signUp(base: string, slug: string, email: string): Promise<JsonResponse> {
  return request(base, 'POST', `/api/cycles/${slug}/registrations`, registrationBody({ email }));
}

function scenario(nodes: 1 | 2) {
  describe(`${nodes === 1 ? 'one app process' : 'two app processes on one database'}, mail worker running`, () => {
    let database: TestDatabase;
    let sink: SmtpSink;
    let dataDir: string;
    const servers: ServerProcess[] = [];

    beforeAll(async () => {
      database = await createTestDatabase();
      sink = await startSmtpSink({ parse: false });
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'officina-cancel-'));
      for (let i = 0; i < nodes; i++) {
        servers.push(
          await startServer({
            PORT: String(await freePort()),
            DATABASE_URL: database.url,
            DATA_DIR: dataDir,
            SERVE_WEB: '0',
            DEMO_DATA: '0',
            LOG_LEVEL: 'warn',
            SECRET_KEY: 'test-secret-key-test-secret-key-0123456789',
            SMTP_URL: sink.url,
            // Everyone comes from 127.0.0.1 here: the per-address limit is not under test.
            SIGNUP_LIMIT_PER_ADDRESS: '1000000',
          }),
        );
      }
    });
    afterAll(async () => {
      for (const s of servers) await s.stop();
      await sink?.close();
      await database?.drop();
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    });

    /** Why the servers failed requests (their log's error messages, e.g. "deadlock detected"), for the failure message. */
    const problemsLogged = () =>
      servers
        .flatMap((s) => s.output().split('\n'))
        .filter((line) => line.includes('"msg":"unhandled error"') || line.includes('"msg":"database unavailable"'))
        .map((line) => (JSON.parse(line) as { err?: { message?: string } }).err?.message ?? line)
        .slice(0, 10)
        .join('\n');

    it('no 500, each cancellation applied once, promotions in waiting-list order, one mail per event', async () => {
      const { cycle } = await createCycle(database.db, { capacity: SEATS });
      const tag = `n${nodes}`;
      const base = (i: number) => servers[i % servers.length]!.base;

      // The seats and the waiting list, one after the other so arrival order is the list order.
      const people: Person[] = [];
      for (let i = 0; i < SEATS + WAITING; i++) {
        const email = `persona.${tag}.${i}@comune.example.it`;
        const res = await signUp(base(i), cycle.slug, email);
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        people.push({ email, id: res.body.registration.id, token: tokenOf(res.body.registration) });
      }
      const holders = people.slice(0, SEATS);
      const waiting = people.slice(SEATS);

      // Now, while the workers send those confirmations: every seat holder cancels twice at once
      // (through both nodes when there are two), and latecomers sign up.
      const cancels = holders.flatMap((p) => [0, 1].map((k) => request(base(k), 'POST', `/api/registrations/${p.token}/cancel`)));
      const lateEmails = Array.from({ length: LATE }, (_, i) => `ritardo.${tag}.${i}@comune.example.it`);
      const lates = lateEmails.map((email, i) => signUp(base(i), cycle.slug, email));
      const [cancelled, late] = await Promise.all([Promise.all(cancels), Promise.all(lates)]);

      const failures: Record<string, number> = {};
      for (const r of [...cancelled, ...late])
        if (r.status >= 500) failures[`${r.status} ${r.body?.code}`] = (failures[`${r.status} ${r.body?.code}`] ?? 0) + 1;
      expect(failures, `answers 5xx; the servers logged:\n${problemsLogged()}`).toEqual({});
      holders.forEach((p, i) => {
        const pair = [cancelled[2 * i]!, cancelled[2 * i + 1]!];
        expect(pair.map((r) => r.status).sort(), p.email).toEqual([200, 409]);
        expect(pair.find((r) => r.status === 409)!.body.code).toBe('already_cancelled');
      });
      expect(late.map((r) => r.status)).toEqual(lateEmails.map(() => 201));

      // The database: holders cancelled once each, the first SEATS of the waiting list promoted.
      const rows = await database.db
        .selectFrom('registrations')
        .select(['id', 'status', 'seq', 'cancelled_at'])
        .where('cycle_id', '=', cycle.id)
        .orderBy('seq')
        .execute();
      expect(rows).toHaveLength(SEATS + WAITING + LATE);
      const status = new Map(rows.map((r) => [r.id, r.status]));
      for (const p of holders) expect(status.get(p.id), p.email).toBe('cancelled');
      const stillWaiting = rows.filter((r) => r.status === 'waitlisted');
      const confirmed = rows.filter((r) => r.status === 'confirmed').map((r) => r.id);
      expect(confirmed).toEqual(waiting.slice(0, SEATS).map((p) => p.id));
      // Everyone still waiting came after every promoted person (the list was served head first).
      expect(stillWaiting).toHaveLength(WAITING - SEATS + LATE);
      const lastPromoted = rows.find((r) => r.id === confirmed.at(-1))!.seq;
      for (const r of stillWaiting) expect(Number(r.seq)).toBeGreaterThan(Number(lastPromoted));
      const counts = await database.db.selectFrom('cycles').select(['seats_taken', 'waitlist_length']).where('id', '=', cycle.id).executeTakeFirstOrThrow();
      expect(counts).toEqual({ seats_taken: SEATS, waitlist_length: WAITING - SEATS + LATE });

      // The mail: one per person per event, and nothing else.
      const expected = new Map<string, string[]>();
      const add = (email: string, template: string) => expected.set(email, [...(expected.get(email) ?? []), template]);
      for (const p of holders) {
        add(p.email, 'registration-confirmed');
        add(p.email, 'registration-cancelled');
      }
      waiting.forEach((p, i) => {
        add(p.email, 'registration-waitlisted');
        if (i < SEATS) add(p.email, 'registration-promoted');
      });
      for (const email of lateEmails) add(email, 'registration-waitlisted');
      // Mail goes out after the sign-ups quiet down (the worker steps aside for them), so by then some
      // events are stale: a confirmation for someone who has since cancelled, a waiting-list mail for
      // someone since promoted. Those are recorded as skipped, not sent. So every event is either mailed
      // once or skipped as stale, never both, never twice, and nothing else is mailed.
      const total = [...expected.values()].reduce((n, l) => n + l.length, 0);
      const ours = () => sink.messages.filter((m) => m.to.some((to) => to.includes(`.${tag}.`)));
      const decided = () =>
        database.db
          .selectFrom('mail_messages')
          .select(['recipient', 'template', 'status', 'error'])
          .where('cycle_id', '=', cycle.id)
          .where('status', 'in', ['sent', 'skipped'])
          .execute();
      await waitUntil(async () => (await decided()).length >= total, `${total} mails sent or skipped`, 60_000);
      // A moment for a duplicate, if any, to arrive too.
      await new Promise((r) => setTimeout(r, 1_000));
      const received = new Map<string, string[]>();
      for (const m of ours()) for (const to of m.to) received.set(to, [...(received.get(to) ?? []), templateOf(m.raw)]);
      const skipped = new Map<string, string[]>();
      for (const row of await decided()) {
        if (row.status !== 'skipped') continue;
        expect(row.error, `${row.recipient} ${row.template}`).toMatch(/^the registration is (cancelled|confirmed|waitlisted)$/);
        skipped.set(row.recipient!, [...(skipped.get(row.recipient!) ?? []), row.template]);
      }
      for (const [email, templates] of expected) {
        expect([...(received.get(email) ?? []), ...(skipped.get(email) ?? [])].sort(), email).toEqual([...templates].sort());
      }
      for (const email of received.keys()) expect(expected.has(email), email).toBe(true);
      expect(sink.duplicates()).toEqual([]);
    });
  });
}

scenario(1);
scenario(2);
