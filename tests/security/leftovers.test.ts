// Finding 9: personal data that outlives its use. Dead sign-in sessions, quiet sign-in throttle rows,
// the development outbox and addresses quoted in the queue's error texts are cleared by the daily job;
// an erased person's outbox messages go with the erasure. (Rotating a manage link has its own test,
// manage-link-rotation.test.ts.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { createAccount } from '../helpers/auth.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';
import { tokenOf } from '../helpers/http.ts';
import { housekeeping } from '../../server/modules/privacy/privacy.housekeeping.ts';
import { withoutAddresses } from '../../server/lib/scrub.ts';

const DAY = 86_400_000;

function writeOutboxMessage(dir: string, at: number, to: string) {
  fs.mkdirSync(dir, { recursive: true });
  const id = `${String(at).padStart(13, '0')}-${Math.floor(Math.random() * 0xffffffff)
    .toString(16)
    .padStart(8, '0')}`;
  fs.writeFileSync(path.join(dir, `${id}.eml`), `To: ${to}\r\n\r\nIl tuo link: https://x/iscrizione/abc`);
  fs.writeFileSync(
    path.join(dir, `${id}.json`),
    JSON.stringify({
      id,
      date: new Date(at).toISOString(),
      from: 'x',
      to,
      subject: 's',
      template: null,
      messageId: null,
      text: '',
      html: null,
      calendar: null,
    }),
  );
  return id;
}
const files = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);

describe('leftovers holding personal data', () => {
  let t: TestApp;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'officina-leftovers-'));
    t = await buildTestApp({ env: { DATA_DIR: dataDir } });
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('the daily housekeeping clears dead sessions, quiet throttles, old outbox mail and addresses in queue errors', async () => {
    const db = t.database.db;
    const now = new Date();
    const account = await createAccount(db);
    const session = (idHash: string, lastSeen: Date, expires: Date) =>
      db
        .insertInto('auth_sessions')
        .values({
          id_hash: Buffer.from(idHash.padEnd(32, '0')),
          account_id: account.id,
          created_at: lastSeen,
          last_seen_at: lastSeen,
          expires_at: expires,
          ip: '203.0.113.7',
          user_agent: 'x',
        })
        .execute();
    await session('idle', new Date(now.getTime() - 2 * 3_600_000), new Date(now.getTime() + 3_600_000));
    await session('expired', new Date(now.getTime() - 60_000), new Date(now.getTime() - 1));
    await session('alive', new Date(now.getTime() - 60_000), new Date(now.getTime() + 3_600_000));
    await db
      .insertInto('login_throttles')
      .values([
        {
          scope: 'account',
          subject: 'vittima@comune.example.it',
          window_started_at: new Date(now.getTime() - 3 * DAY),
          attempts: 0,
          failures: 3,
          strikes: 0,
          blocked_until: null,
          updated_at: new Date(now.getTime() - 2 * DAY),
        },
        { scope: 'address', subject: '203.0.113.7', window_started_at: now, attempts: 0, failures: 1, strikes: 0, blocked_until: null, updated_at: now },
      ])
      .execute();
    const outbox = path.join(dataDir, 'mail');
    writeOutboxMessage(outbox, now.getTime() - 8 * DAY, 'vecchio@comune.example.it');
    const recent = writeOutboxMessage(outbox, now.getTime() - DAY, 'recente@comune.example.it');
    await sql`SELECT graphile_worker.add_job('mail', '{}'::json)`.execute(db);
    await sql`UPDATE graphile_worker._private_jobs SET last_error = '450 4.2.1 <maria.rossi@comune.example.it>: mailbox busy'`.execute(db);

    const done = await housekeeping(db, { dataDir, sessionIdleMs: t.config.sessionIdleMs, now });

    expect(done).toMatchObject({ sessions: 2, throttles: 1, outboxMessages: 1, queueErrors: 1 });
    const sessions = await db.selectFrom('auth_sessions').select('id_hash').execute();
    expect(sessions.map((s) => s.id_hash.toString().replace(/0+$/, ''))).toEqual(['alive']);
    const throttles = await db.selectFrom('login_throttles').select('subject').execute();
    expect(throttles.map((r) => r.subject)).toEqual(['203.0.113.7']);
    expect(files(outbox)).toEqual([`${recent}.eml`, `${recent}.json`]);
    const jobs = await sql<{ last_error: string }>`SELECT last_error FROM graphile_worker._private_jobs`.execute(db);
    expect(jobs.rows[0]!.last_error).toBe('450 4.2.1 <<address>>: mailbox busy');
  });

  it('an SMTP answer quoting an address loses it before it reaches the queue or the log', () => {
    expect(withoutAddresses("Can't send mail - all recipients were rejected: 550 5.1.1 <m.rossi+lab@comune.example.it>: unknown")).toBe(
      "Can't send mail - all recipients were rejected: 550 5.1.1 <<address>>: unknown",
    );
  });

  it("erasing a registration removes that person's outbox messages, and nobody else's", async () => {
    const { cycle } = await createCycle(t.database.db);
    const body = registrationBody();
    const res = await t.app.inject({ method: 'POST', url: `/api/cycles/${cycle.slug}/registrations`, payload: body });
    expect(res.statusCode).toBe(201);
    const outbox = path.join(dataDir, 'mail');
    const mine = writeOutboxMessage(outbox, Date.now(), `Giulia Rossi <${body.email}>`);
    const other = writeOutboxMessage(outbox, Date.now(), 'Altra Persona <altra@comune.example.it>');
    const erase = await t.app.inject({ method: 'DELETE', url: `/api/registrations/${tokenOf(res.json().registration)}/personal-data` });
    expect(erase.statusCode).toBe(200);
    expect(files(outbox)).not.toContain(`${mine}.json`);
    expect(files(outbox)).toContain(`${other}.json`);
  });
});
