// npm run backup / npm run restore against DATABASE_URL: Debian's PostgreSQL 15 (a throw-away cluster),
// whose own pg_dump has nothing to do with it. The key is external (SECRET_KEY), so the archive says so
// and the restore reminds of it; a database in use or holding rows is refused; --force replaces it. A
// backup held half-way (a table it has yet to read is locked) while sign-ups commit still holds one
// instant: the seat counts of the cycle match its registrations.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tar from 'tar';
import type { Database } from '../../db/schema.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';
import { request } from '../helpers/http.ts';
import { startCluster, type Cluster } from '../helpers/pg-cluster.ts';
import { freePort, startServer, type ServerProcess } from '../helpers/server-process.ts';
import { alteredArchive, fillTheRest, picture, runCli } from './backup.support.ts';

let cluster: Cluster;
let work: string;
let server: ServerProcess | null = null;
let archive: string;
let busyArchive: string;
let busyCycle: string;
let before: Map<string, string[]>;
const ADMIN = { ADMIN_EMAIL: 'admin@comune.example.it', ADMIN_PASSWORD: 'Ripristino-di-prova-2026!' };
const SECRET_KEY = 'una-chiave-esterna-lunga-almeno-32-caratteri';

beforeAll(async () => {
  cluster = await startCluster('officina_backup');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'officina-backup-ext-'));
  archive = path.join(work, 'officina.tar.gz');
  busyArchive = path.join(work, 'officina-busy.tar.gz');
  server = await startServer({ ...env(), PORT: String(await freePort()), DEMO_DATA: '1', SERVE_WEB: '0', MAIL_WORKER: '0', LOG_LEVEL: 'warn', ...ADMIN });
  await fillTheRest(cluster.url);
  before = await picture(cluster.url);
});

const env = () => ({ DATABASE_URL: cluster.url, DATA_DIR: path.join(work, 'data'), SECRET_KEY });

afterAll(async () => {
  if (server && server.proc.exitCode === null && server.proc.signalCode === null) await server.stop('SIGTERM');
  await cluster?.destroy();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('backup and restore with DATABASE_URL (PostgreSQL 15)', () => {
  it('backs up while the server runs, without the external key, and refuses to restore under it', async () => {
    const made = await runCli('backup', [archive], env());
    expect(made.code, made.stderr).toBe(0);
    const names: string[] = [];
    await tar.t({ file: archive, onReadEntry: (e) => names.push(e.path) });
    expect(names).toContain('manifest.json');
    expect(names).not.toContain('secret.key');

    const inUse = await runCli('restore', [archive, '--force'], env());
    expect(inUse.code).toBe(1);
    expect(inUse.stderr).toMatch(/Il database è in uso[^\n]*\n.*The database is in use/);
  });

  it('takes one instant of the database while sign-ups keep arriving', async () => {
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: cluster.url, max: 1 }) }) });
    const { cycle } = await createCycle(kysely, { capacity: 2, waitlistEnabled: true, title: 'Ciclo affollato durante il backup' });
    await kysely.destroy();
    busyCycle = cycle.id;
    // The backup is held half-way: a table it reads after cycles and before registrations is locked,
    // and sign-ups are taken while it waits. No timing: the wait is seen in pg_locks.
    const locker = new pg.Client({ connectionString: cluster.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE link_requests IN ACCESS EXCLUSIVE MODE');
      const backingUp = runCli('backup', [busyArchive], env());
      const waiting = async () => (await locker.query(`SELECT 1 FROM pg_locks WHERE relation = 'link_requests'::regclass AND NOT granted`)).rowCount! > 0;
      while (!(await waiting())) await new Promise((r) => setTimeout(r, 100));
      for (let i = 0; i < 3; i++) {
        const res = await request(server!.base, 'POST', `/api/cycles/${cycle.slug}/registrations`, registrationBody());
        expect(res.status, JSON.stringify(res.body)).toBe(201);
      }
      await locker.query('COMMIT');
      const made = await backingUp;
      expect(made.code, made.stderr).toBe(0);
    } finally {
      await locker.end();
    }
  });

  it('refuses a database that holds rows without --force', async () => {
    await server!.stop('SIGTERM');
    server = null;
    const notEmpty = await runCli('restore', [archive], env());
    expect(notEmpty.code).toBe(1);
    expect(notEmpty.stderr).toMatch(/Il database non è vuoto[^\n]*--force[^\n]*\n.*The database is not empty/);
  });

  it('replaces everything with --force, reminding of the external key', async () => {
    // What --force must undo: rows changed and removed after the backup.
    const client = new pg.Client({ connectionString: cluster.url });
    await client.connect();
    await client.query(`UPDATE cycles SET title = 'Cambiato dopo il backup'`);
    await client.query(`DELETE FROM attendance`);
    await client.end();

    const forced = await runCli('restore', [archive, '--force'], env());
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/esterna \(SECRET_KEY\)[^\n]*\n.*external \(SECRET_KEY\)/);
    const after = await picture(cluster.url);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [table, rows] of before) expect(after.get(table), table).toEqual(rows);
  });

  it('refuses an archive whose mail queue is at another graphile-worker revision, leaving the database empty', async () => {
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query('CREATE DATABASE officina_other_queue');
    await admin.end();
    const target = { ...env(), DATABASE_URL: cluster.url.replace(/\/officina_backup$/, '/officina_other_queue') };
    const other = await alteredArchive(archive, work, (m) => {
      m.queueMigration = 99;
    });
    const refused = await runCli('restore', [other], target);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /La coda della posta nell'archivio è alla revisione 99 di graphile-worker[^\n]*\n.*The archive's mail queue is at graphile-worker revision 99/,
    );
    // Still empty: the real archive goes in without --force.
    const restored = await runCli('restore', [archive], target);
    expect(restored.code, restored.stderr).toBe(0);
    expect(await picture(target.DATABASE_URL)).toEqual(before);
  });

  it('restores the backup taken during sign-ups as of its one instant, seat counts matching registrations', async () => {
    const forced = await runCli('restore', [busyArchive, '--force'], env());
    expect(forced.code, forced.stderr).toBe(0);
    const client = new pg.Client({ connectionString: cluster.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ seats_taken: number; waitlist_length: number; confirmed: number; waitlisted: number }>(
        `SELECT c.seats_taken, c.waitlist_length,
                (SELECT count(*)::int FROM registrations r WHERE r.cycle_id = c.id AND r.status = 'confirmed') AS confirmed,
                (SELECT count(*)::int FROM registrations r WHERE r.cycle_id = c.id AND r.status = 'waitlisted') AS waitlisted
           FROM cycles c WHERE c.id = $1`,
        [busyCycle],
      );
      // The counts are kept by triggers, which the restore turns off: they match only if the cycle's row
      // and its registrations were read at the same instant — the one before the sign-ups.
      expect({ seats: rows[0]!.seats_taken, waitlist: rows[0]!.waitlist_length }).toEqual({ seats: rows[0]!.confirmed, waitlist: rows[0]!.waitlisted });
      expect(rows[0]!.confirmed + rows[0]!.waitlisted).toBe(0);
    } finally {
      await client.end();
    }
  });
});
