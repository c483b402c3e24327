// Shared pieces of the backup tests (not a test file itself): the CLIs as child processes, a row of
// every table, and a picture of a database (every row of every table, as text) to compare.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import * as tar from 'tar';
import { cleanEnv, ROOT, type CliResult } from '../helpers/server-process.ts';

/** `npm run backup|restore -- <args>` (the script's own command) with that environment. */
export function runCli(script: 'backup' | 'restore', args: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [`server/cli/${script}.ts`, ...args], {
      cwd: ROOT,
      env: cleanEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout!.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    proc.on('error', reject);
    proc.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const SCHEMAS = ['public', 'graphile_worker'];

/** Every table of both schemas with every row as text, sorted: equal pictures, equal databases. */
export async function picture(url: string): Promise<Map<string, string[]>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ t: string }>(
      `SELECT format('%I.%I', n.nspname, c.relname) AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND n.nspname = ANY($1) ORDER BY 1`,
      [SCHEMAS],
    );
    const out = new Map<string, string[]>();
    for (const { t } of tables) {
      const { rows } = await client.query<{ r: string }>(`SELECT x::text AS r FROM ${t} x ORDER BY 1`);
      out.set(
        t,
        rows.map((r) => r.r),
      );
    }
    return out;
  } finally {
    await client.end();
  }
}

/** Tables of our schema without a single row: the fill must leave none. */
export function emptyPublicTables(p: Map<string, string[]>): string[] {
  return [...p].filter(([t, rows]) => t.startsWith('public.') && rows.length === 0).map(([t]) => t);
}

/**
 * A row in every table that the app's own activity (demo programme, a sign-in, an upload) left empty,
 * written as the app would. A table added later stays empty here until this learns it: the test's
 * "every table has rows" then fails and says which.
 */
export async function fillTheRest(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const hash = () => randomBytes(32);
  try {
    const { rows } = await c.query<{ registration: string; session: string; cycle: string; participant: string; account: string }>(
      `SELECT r.id AS registration, s.id AS session, r.cycle_id AS cycle, r.participant_id AS participant,
              (SELECT id FROM accounts LIMIT 1) AS account
         FROM registrations r JOIN sessions s ON s.cycle_id = r.cycle_id
        WHERE r.status = 'confirmed' ORDER BY r.seq LIMIT 1`,
    );
    const x = rows[0]!;
    const empty = async (table: string) => (await c.query(`SELECT 1 FROM ${table} LIMIT 1`)).rowCount === 0;
    const fill: [string, string, unknown[]][] = [
      ['cycle_organisers', 'INSERT INTO cycle_organisers (cycle_id, account_id) VALUES ($1, $2)', [x.cycle, x.account]],
      [
        'attendance',
        `INSERT INTO attendance (registration_id, session_id, present, method, marked_by, marked_at) VALUES ($1, $2, true, 'roster', $3, now())`,
        [x.registration, x.session, x.account],
      ],
      ['check_in_failures', 'INSERT INTO check_in_failures (registration_id, session_id, at) VALUES ($1, $2, now())', [x.registration, x.session]],
      ['link_requests', `INSERT INTO link_requests (email_hash, ip, at) VALUES ($1, '127.0.0.1', now())`, [hash()]],
      [
        'login_throttles',
        `INSERT INTO login_throttles (scope, subject, window_started_at, attempts, failures, strikes, updated_at) VALUES ('address', '127.0.0.1', now(), 2, 1, 0, now())`,
        [],
      ],
      ['throttle_counters', `INSERT INTO throttle_counters (scope, key, window_start, count) VALUES ('signup', $1, date_trunc('minute', now()), 3)`, [hash()]],
      [
        'personal_data_requests',
        `INSERT INTO personal_data_requests (id, participant_id, token_hash, created_at, expires_at) VALUES (gen_random_uuid(), $1, $2, now(), now() + interval '1 day')`,
        [x.participant, hash()],
      ],
      [
        'organiser_messages',
        `INSERT INTO organiser_messages (id, cycle_id, subject, body, statuses, recipients) VALUES (gen_random_uuid(), $1, 'Aula cambiata', 'Ci vediamo in aula 2.', ARRAY['confirmed'], 1)`,
        [x.cycle],
      ],
      [
        'mail_messages',
        `INSERT INTO mail_messages (dedupe_key, template, registration_id, cycle_id, recipient, subject, locale, status, attempts, sent_at) VALUES ('backup-test-1', 'confirmation', $1, $2, 'chi@comune.example.it', 'Iscrizione', 'it', 'sent', 1, now())`,
        [x.registration, x.cycle],
      ],
      [
        'reminders_sent',
        `INSERT INTO reminders_sent (registration_id, session_id, offset_ms, starts_at) VALUES ($1, $2, 7200000, now())`,
        [x.registration, x.session],
      ],
      [
        'certificates',
        `INSERT INTO certificates (code, registration_id, cycle_id, name, cycle_slug, cycle_title, first_session_at, last_session_at, attended_sessions, held_sessions, hours, threshold, issued_at)
         SELECT 'ABCDEFGHJKLM', r.id, c.id, r.first_name || ' ' || r.last_name, c.slug, c.title, now(), now(), 1, 1, 2.5, 0.75, now()
           FROM registrations r JOIN cycles c ON c.id = r.cycle_id WHERE r.id = $1`,
        [x.registration],
      ],
      [
        'certificate_verifications',
        `INSERT INTO certificate_verifications (code, cycle_id, name, cycle_slug, cycle_title, first_session_at, last_session_at, attended_sessions, held_sessions, hours, credits, issuer_name, issued_at)
         SELECT code, cycle_id, name, cycle_slug, cycle_title, first_session_at, last_session_at, attended_sessions, held_sessions, hours, '6 crediti (CNOAS)', 'ANCI Lombardia', issued_at
           FROM certificates LIMIT 1`,
        [],
      ],
      // A mail runner of another machine, long silent (MAIL_WORKER=0 starts none here).
      [
        'queue_runners',
        `INSERT INTO queue_runners (runner_id, worker_ids, host, pid, beat_at) VALUES ('altra-macchina-1', ARRAY['worker-1'], 'altra-macchina', 4242, now() - interval '1 day')`,
        [],
      ],
      // A change of time bumps the session's SEQUENCE: the trigger records the old one.
      [
        'session_revisions',
        `UPDATE sessions SET sequence = sequence + 1, starts_at = starts_at + interval '1 hour', ends_at = ends_at + interval '1 hour' WHERE id = $1`,
        [x.session],
      ],
    ];
    for (const [table, text, values] of fill) if (await empty(table)) await c.query(text, values);
  } finally {
    await c.end();
  }
}

/** Every file under `dir` (relative path → bytes). */
export function filesUnder(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  if (!fs.existsSync(dir)) return out;
  for (const name of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const full = path.join(dir, name);
    if (fs.statSync(full).isFile()) out.set(name, fs.readFileSync(full));
  }
  return out;
}

/** A copy of `archive` whose manifest says what `change` makes of it (e.g. a schema from the future). */
export async function alteredArchive(archive: string, into: string, change: (m: Record<string, unknown>) => void): Promise<string> {
  const dir = fs.mkdtempSync(path.join(into, 'altered-'));
  await tar.x({ file: archive, cwd: dir });
  const file = path.join(dir, 'manifest.json');
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  change(manifest);
  fs.writeFileSync(file, JSON.stringify(manifest));
  const out = `${dir}.tar.gz`;
  await tar.c({ gzip: true, file: out, cwd: dir }, fs.readdirSync(dir));
  return out;
}
