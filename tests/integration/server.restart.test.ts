// The real server process on its own DATA_DIR: what is written before a stop is there after the next
// start (the database and the secret the links derive from), whether the stop was clean (SIGTERM,
// Ctrl+C) or not (SIGKILL leaves an orphaned postgres, which the next start clears), and no postgres
// process is ever left behind.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/schema.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';
import { request, tokenOf } from '../helpers/http.ts';
import {
  freePort,
  isAlive,
  killLeftovers,
  parentOf,
  postgresProcesses,
  postmasterOf,
  spawnServer,
  startServer,
  waitForHealth,
  waitForNoPostgres,
  type ServerProcess,
} from '../helpers/server-process.ts';

let dataDir: string;
let running: ServerProcess | null = null;

// SECRET_KEY is deliberately unset: the key must come from DATA_DIR/secret.key. SERVE_WEB=0: the pages
// need `npm run build`, which `npm test` on a fresh clone has not run; the API is what is under test.
const serverEnv = (port: number) => ({ DATA_DIR: dataDir, PORT: String(port), DEMO_DATA: '0', LOG_LEVEL: 'warn', SERVE_WEB: '0' });

async function start(opts: { detached?: boolean } = {}) {
  running = await startServer(serverEnv(await freePort()), opts);
  return running;
}

/** The test's own connection to the server's embedded database (password file + port from the log). */
function connect(server: ServerProcess): Kysely<Database> {
  const { password } = JSON.parse(fs.readFileSync(path.join(dataDir, 'pg-credentials.json'), 'utf8')) as { password: string };
  const port = server.pgPort();
  expect(port, server.output()).toBeTypeOf('number');
  const pool = new pg.Pool({ host: '127.0.0.1', port, user: 'postgres', password, database: 'officina', max: 1 });
  pool.on('error', () => {}); // the server may stop the database under us
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

async function signUp(server: ServerProcess, slug: string, email: string) {
  const res = await request(server.base, 'POST', `/api/cycles/${slug}/registrations`, registrationBody({ email }));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.registration.id as string, token: tokenOf(res.body.registration) };
}

async function expectNothingLeft() {
  expect(await waitForNoPostgres(dataDir)).toEqual([]);
  expect(fs.existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
}

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'officina-restart-'));
});

afterAll(async () => {
  if (running && running.proc.exitCode === null && running.proc.signalCode === null) await running.stop('SIGTERM');
  await killLeftovers(dataDir);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('restarts on the same DATA_DIR', () => {
  let slug: string;
  let first: { id: string; token: string };
  let second: { id: string; token: string };
  let secret: string;

  it('first start: creates the cluster, its password and the secret key; a sign-up goes through', async () => {
    const server = await start();
    expect(server.output()).toMatch(/embedded PostgreSQL on 127\.0\.0\.1:\d+/);
    expect(fs.existsSync(path.join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);
    expect(fs.statSync(path.join(dataDir, 'pg-credentials.json')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(dataDir, 'secret.key')).mode & 0o777).toBe(0o600);
    secret = fs.readFileSync(path.join(dataDir, 'secret.key'), 'utf8');
    expect(secret.trim().length).toBeGreaterThanOrEqual(43);

    // Postgres listens on loopback only and belongs to this server.
    const pm = postmasterOf(dataDir)!;
    expect(parentOf(pm)).toBe(server.pid);

    const db = connect(server);
    try {
      slug = (await createCycle(db, { capacity: 1 })).cycle.slug;
    } finally {
      await db.destroy();
    }
    first = await signUp(server, slug, 'prima@comune.example.it');
  });

  it('SIGTERM: exits 0 and stops its postgres', async () => {
    const exit = await running!.stop('SIGTERM');
    expect(exit, running!.output()).toEqual({ code: 0, signal: null });
    await expectNothingLeft();
  });

  it('second start: the registration and its link still work (same secret key), nothing re-initialised', async () => {
    const server = await start();
    expect(server.output()).not.toMatch(/migrations applied/);
    expect(fs.readFileSync(path.join(dataDir, 'secret.key'), 'utf8')).toBe(secret);
    const shown = await request(server.base, 'GET', `/api/registrations/${first.token}`);
    expect(shown.status).toBe(200);
    expect(shown.body.registration).toMatchObject({ id: first.id, status: 'confirmed', email: 'prima@comune.example.it' });
    // Write more, then crash.
    second = await signUp(server, slug, 'seconda@comune.example.it');
  });

  it('a second server on the same DATA_DIR refuses to start and leaves the first alone', async () => {
    const other = spawnServer({ env: serverEnv(await freePort()) });
    const exit = await other.exited;
    expect(exit.code).toBe(1);
    expect(other.stderr()).toMatch(/in use by another process/);
    expect((await request(running!.base, 'GET', '/api/health')).status).toBe(200);
  });

  it('SIGKILL: the server dies at once and its postgres is orphaned', async () => {
    const pm = postmasterOf(dataDir)!;
    const exit = await running!.stop('SIGKILL');
    expect(exit.signal).toBe('SIGKILL');
    // Nothing stopped the database: it is still running, now without its parent.
    expect(isAlive(pm)).toBe(true);
    expect(parentOf(pm)).not.toBe(running!.pid);
  });

  it('next start after SIGKILL: clears the orphan and the stale postmaster.pid, and the data is there', async () => {
    const orphan = postmasterOf(dataDir)!;
    const server = await start();
    expect(isAlive(orphan)).toBe(false);
    const pm = postmasterOf(dataDir)!;
    expect(pm).not.toBe(orphan);
    expect(parentOf(pm)).toBe(server.pid);
    const a = await request(server.base, 'GET', `/api/registrations/${first.token}`);
    expect(a.body.registration).toMatchObject({ id: first.id, status: 'confirmed' });
    const b = await request(server.base, 'GET', `/api/registrations/${second.token}`);
    expect(b.body.registration).toMatchObject({ id: second.id, status: 'waitlisted', waitlistPosition: 1 });
  });

  it('Ctrl+C in a terminal (SIGINT to the whole process group, postgres included): exits 0, nothing left', async () => {
    await running!.stop('SIGTERM');
    await expectNothingLeft();
    const server = await start({ detached: true });
    const cancel = await request(server.base, 'POST', `/api/registrations/${first.token}/cancel`);
    expect(cancel.status).toBe(200);
    process.kill(-server.pid, 'SIGINT');
    const exit = await server.exited;
    expect(exit, server.output()).toEqual({ code: 0, signal: null });
    await expectNothingLeft();
  });

  it('postgres stopped underneath the server: the server starts it again, and SIGTERM still exits 0', async () => {
    const server = await start();
    // The cancel before Ctrl+C was committed, and promoted the person waiting.
    expect((await request(server.base, 'GET', `/api/registrations/${first.token}`)).body.registration.status).toBe('cancelled');
    expect((await request(server.base, 'GET', `/api/registrations/${second.token}`)).body.registration.status).toBe('confirmed');

    // What `pg_ctl stop -m fast` does: the supervisor restarts it (tests/faults/db-*.test.ts: and
    // /api/health says 503 "unavailable" meanwhile).
    const pm = postmasterOf(dataDir)!;
    process.kill(pm, 'SIGINT');
    let again = postmasterOf(dataDir);
    for (let i = 0; i < 300 && (again === undefined || again === pm); i++) {
      await new Promise((r) => setTimeout(r, 100));
      again = postmasterOf(dataDir);
    }
    expect(again, server.output()).toBeTypeOf('number');
    expect(again).not.toBe(pm);
    await waitForHealth(server, 30_000);
    expect(server.output()).toMatch(/embedded PostgreSQL exited unexpectedly \(code 0\); restarting it/);

    const exit = await server.stop('SIGTERM');
    expect(exit, server.output()).toEqual({ code: 0, signal: null });
    await expectNothingLeft();
  });

  it('SIGKILL under a supervisor that adopts orphans (systemd --user, a container init): the next start still recovers', async () => {
    // A child subreaper (what systemd --user and many supervisors are): when the server dies, its
    // postgres is adopted by this wrapper, not by pid 1. The wrapper reaps whatever it adopts.
    const wrapper = [
      'python3',
      '-c',
      [
        'import ctypes, os, subprocess, sys, time',
        'ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER',
        'subprocess.Popen(sys.argv[1:])',
        'while True:',
        '    try: os.waitpid(-1, 0)',
        '    except ChildProcessError: time.sleep(0.05)',
      ].join('\n'),
    ];
    const supervised = await startServer(serverEnv(await freePort()), { wrapper });
    try {
      const pm = postmasterOf(dataDir)!;
      const serverPid = parentOf(pm)!;
      expect(serverPid).not.toBe(supervised.pid);
      process.kill(serverPid, 'SIGKILL');
      // The orphan now hangs off the live supervisor.
      for (let i = 0; i < 50 && parentOf(pm) === serverPid; i++) await new Promise((r) => setTimeout(r, 50));
      expect(parentOf(pm)).toBe(supervised.pid);
      expect(isAlive(pm)).toBe(true);

      const server = await start();
      expect(isAlive(pm)).toBe(false);
      expect(parentOf(postmasterOf(dataDir)!)).toBe(server.pid);
      expect((await request(server.base, 'GET', `/api/registrations/${second.token}`)).status).toBe(200);
      expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null });
      await expectNothingLeft();
    } finally {
      supervised.proc.kill('SIGKILL');
      await supervised.exited;
    }
  });

  it('a stale postmaster.pid naming an unrelated live process (after a power cut): that process is left alone', async () => {
    // A process adopted by init, like most daemons, whose pid happens to be in the stale file.
    const { spawnSync } = await import('node:child_process');
    const out = spawnSync('sh', ['-c', 'sleep 120 >/dev/null 2>&1 & echo $!'], { encoding: 'utf8' });
    const bystander = Number(out.stdout.trim());
    try {
      expect(isAlive(bystander)).toBe(true);
      fs.writeFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), `${bystander}\n${path.join(dataDir, 'pg')}\n`);
      const server = await start();
      expect(isAlive(bystander)).toBe(true);
      expect((await request(server.base, 'GET', `/api/registrations/${second.token}`)).status).toBe(200);
      expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null });
      await expectNothingLeft();
    } finally {
      process.kill(bystander, 'SIGKILL');
    }
  });

  it('after all that, one more start finds everything, and a final stop leaves nothing running', async () => {
    const server = await start();
    const b = await request(server.base, 'GET', `/api/registrations/${second.token}`);
    expect(b.body.registration).toMatchObject({ id: second.id, status: 'confirmed' });
    const exit = await server.stop('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    await expectNothingLeft();
    expect(postgresProcesses(dataDir)).toEqual([]);
  });
});
