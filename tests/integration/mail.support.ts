// Shared pieces of the mail tests (not a test file itself): the config of a runner sending to the SMTP
// sink (the runner itself: tests/helpers/jobs.ts), direct inserts of many registrations (without the notifier, for bulk scenarios), and reads
// of the queue and the send log.
import { randomBytes, randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database, Locale } from '../../db/schema.ts';
import type { Config } from '../../server/config.ts';
import { testConfig } from '../helpers/app.ts';

export function workerConfig(smtpUrl: string | undefined, env: Record<string, string> = {}): Config {
  return testConfig({ ...(smtpUrl ? { SMTP_URL: smtpUrl } : {}), ...env });
}

/** Registrations written straight into the database (no notifier, no mail): for bulk scenarios. */
export async function insertRegistrations(
  db: Kysely<Database>,
  cycleId: string,
  n: number,
  opts: { status?: 'confirmed' | 'waitlisted'; locale?: Locale; emailPrefix?: string } = {},
): Promise<{ id: string; email: string }[]> {
  const out: { id: string; email: string }[] = [];
  const rows = Array.from({ length: n }, (_, i) => {
    const email = `${opts.emailPrefix ?? 'bulk'}.${i}.${randomBytes(3).toString('hex')}@comune.example.it`;
    return { id: randomUUID(), email, participantId: randomUUID() };
  });
  await db
    .insertInto('participants')
    .values(rows.map((r) => ({ id: r.participantId, email: r.email, locale: opts.locale ?? 'it' })))
    .execute();
  await db
    .insertInto('registrations')
    .values(
      rows.map((r, i) => ({
        id: r.id,
        cycle_id: cycleId,
        participant_id: r.participantId,
        status: opts.status ?? 'confirmed',
        first_name: `Persona${i}`,
        last_name: 'Bianchi',
        organisation: 'Comune di Lodi',
        token_hash: randomBytes(32),
        calendar_token_hash: randomBytes(32),
        locale: opts.locale ?? 'it',
        consent_version: '2026-11-01',
        consent_at: new Date(),
        confirmed_at: (opts.status ?? 'confirmed') === 'confirmed' ? new Date() : null,
      })),
    )
    .execute();
  for (const r of rows) out.push({ id: r.id, email: r.email });
  return out;
}

export async function logRows(db: Kysely<Database>, where: { registrationId?: string; template?: string } = {}) {
  let q = db.selectFrom('mail_messages').selectAll();
  if (where.registrationId) q = q.where('registration_id', '=', where.registrationId);
  if (where.template) q = q.where('template', '=', where.template);
  return q.orderBy('id').execute();
}

/** Mail jobs still in graphile-worker's queue (scheduled, retrying or running). */
export async function queuedMailJobs(db: Kysely<Database>, keyPrefix = '') {
  const r = await sql<{ id: string; key: string | null; run_at: Date; attempts: number; locked_by: string | null; last_error: string | null }>`
    SELECT id, key, run_at, attempts, locked_by, last_error FROM graphile_worker.jobs
     WHERE task_identifier = 'mail' AND coalesce(key, '') LIKE ${keyPrefix + '%'} ORDER BY run_at`.execute(db);
  return r.rows;
}

export function tokenOf(url: string): string {
  return new URL(url).pathname
    .split('/')
    .pop()!
    .replace(/\.ics$/, '');
}
