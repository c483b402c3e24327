// A throw-away cluster of Debian's PostgreSQL 15 (/usr/lib/postgresql/15), for the tests where the
// app's database is an external server that someone else restarts (pg_ctl). Its own temporary
// directory and free port; never the system cluster. PostgreSQL refuses to run as root, so as root
// every command runs as the `postgres` system user (runuser).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './server-process.ts';

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';

export interface Cluster {
  url: string;
  port: number;
  dir: string;
  /** `pg_ctl <args…>` on this cluster (e.g. 'restart', '-m', 'fast'); waits for it to finish. */
  ctl(...args: string[]): Promise<void>;
  /** `pg_ctl start` with this cluster's port and settings (a plain start would not reuse them). */
  start(): Promise<void>;
  /** Stops the server (immediate: nothing to keep) and removes the directory; safe to call twice. */
  destroy(): Promise<void>;
}

async function as(command: string, args: string[]): Promise<void> {
  const asRoot = process.getuid?.() === 0;
  const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  await run(file, argv, { timeout: 60_000 });
}

export async function startCluster(database = 'officina'): Promise<Cluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'officina-pg15-'));
  if (process.getuid?.() === 0) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    fs.chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const data = path.join(dir, 'data');
  const port = await freePort();
  const ctl = (...args: string[]) => as(`${BIN}/pg_ctl`, ['-D', data, '-l', path.join(dir, 'server.log'), '-w', '-t', '30', ...args]);
  // `pg_ctl restart` reuses these (postmaster.opts); `pg_ctl start` must be given them again.
  const start = () => ctl('start', '-o', `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off -c max_connections=100`);
  let destroyed = false;
  const cluster: Cluster = {
    url: `postgres://postgres@127.0.0.1:${port}/${database}`,
    port,
    dir,
    ctl,
    start,
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      await ctl('stop', '-m', 'immediate').catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await as(`${BIN}/initdb`, ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    await start();
    const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${database}"`);
    } finally {
      await admin.end();
    }
  } catch (err) {
    await cluster.destroy();
    throw err;
  }
  return cluster;
}
