// The real server as a child process (`node server/server.ts`: Node runs the TypeScript by stripping its
// types), for the tests that are about the process itself: start-up, signals, restarts, the embedded
// PostgreSQL it owns.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * A port free right now, for a server started next (chosen first so that PUBLIC_URL can name it).
 * Drawn below Linux's ephemeral range (32768-60999): a port the kernel handed out with listen(0) goes
 * back to that range when we close it, and any of the run's many outgoing connections (pools,
 * Chromium, SMTP) may take it before our server binds it (EADDRINUSE seen under parallel load). No
 * client is ever given a port below the range, so only another test drawing the same number could
 * collide, and the draw checks that it binds.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await binds(port)) return port;
    if (attempt === 50) throw new Error('no free port between 20000 and 32000');
  }
}

function binds(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * The Node options `npm start` runs the server with (package.json: `node <options> server/start.js`),
 * for whatever measures the server as deployed (the benchmarks): its memory depends on them.
 */
export function startNodeOptions(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const argv = pkg.scripts.start.trim().split(/\s+/);
  if (argv[0] !== 'node' || argv.at(-1) !== 'server/start.js') throw new Error(`npm start is not "node [options] server/start.js": ${pkg.scripts.start}`);
  return argv.slice(1, -1);
}

/**
 * The environment a fresh shell would give the server: PATH and HOME, nothing of the test run
 * (no NODE_ENV=test, no DATABASE_URL, no SECRET_KEY), plus what the test passes.
 */
export function cleanEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8' };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  proc: ChildProcess;
  pid: number;
  base: string;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  stderr(): string;
  exited: Promise<Exit>;
  /** Port of the embedded PostgreSQL, from the start-up line (undefined with DATABASE_URL). */
  pgPort(): number | undefined;
  /** Sends the signal and waits for the process to end (SIGKILL after `ms`). */
  stop(signal?: NodeJS.Signals, ms?: number): Promise<Exit>;
}

export interface SpawnOptions {
  env: Record<string, string | undefined>;
  /** Put the server in its own process group, so a signal can go to the group (like Ctrl+C in a shell). */
  detached?: boolean;
  /** Run the server under this command (e.g. a supervisor); the handle's pid is then the wrapper's. */
  wrapper?: string[];
  /** Options for Node before the script (startNodeOptions() for the server as `npm start` runs it). */
  nodeOptions?: string[];
}

export function spawnServer(opts: SpawnOptions): ServerProcess {
  const argv = [...(opts.wrapper ?? []), process.execPath, ...(opts.nodeOptions ?? []), 'server/server.ts'];
  const proc = spawn(argv[0]!, argv.slice(1), {
    cwd: ROOT,
    env: cleanEnv(opts.env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.detached ?? false,
  });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  proc.stderr!.on('data', (c: Buffer) => {
    const s = c.toString('utf8');
    err += s;
    out += s;
  });
  const exited = new Promise<Exit>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const port = opts.env.PORT;
  const handle: ServerProcess = {
    proc,
    pid: proc.pid!,
    base: `http://127.0.0.1:${port}`,
    output: () => out,
    stderr: () => err,
    exited,
    pgPort() {
      const m = /embedded PostgreSQL on 127\.0\.0\.1:(\d+)/.exec(out);
      return m ? Number(m[1]) : undefined;
    },
    async stop(signal = 'SIGTERM', ms = 30_000) {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      const timer = setTimeout(() => proc.kill('SIGKILL'), ms);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
  return handle;
}

/** Polls GET /api/health until it answers 200, the process exits, or `ms` pass. */
export async function waitForHealth(server: ServerProcess, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  let gone = false;
  void server.exited.then(() => (gone = true));
  while (Date.now() < until) {
    if (gone) throw new Error(`server exited before it was ready:\n${server.output()}`);
    try {
      const res = await fetch(`${server.base}/api/health`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server not ready after ${ms} ms:\n${server.output()}`);
}

export async function startServer(env: Record<string, string | undefined>, opts: Omit<SpawnOptions, 'env'> = {}) {
  const server = spawnServer({ env, ...opts });
  try {
    await waitForHealth(server);
  } catch (err) {
    await server.stop('SIGKILL');
    throw err;
  }
  return server;
}

function readProc(pid: string, file: string): string | null {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null;
  }
}

export function isAlive(pid: number): boolean {
  const stat = readProc(String(pid), 'stat');
  // A zombie (state Z) has ended; only its parent has not collected it yet.
  return stat !== null && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

export function parentOf(pid: number): number | null {
  const stat = readProc(String(pid), 'stat');
  if (!stat) return null;
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/**
 * Every live process of the PostgreSQL cluster in `dataDir`/pg: the postmaster (its command line names
 * the directory) and its children (checkpointer, walwriter, backends...).
 */
export function postgresProcesses(dataDir: string): number[] {
  const pgDir = path.join(dataDir, 'pg');
  const pids = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  const postmasters = pids.filter((pid) => {
    const argv = (readProc(pid, 'cmdline') ?? '').split('\0');
    const i = argv.indexOf('-D');
    return i >= 0 && argv[i + 1] === pgDir && isAlive(Number(pid));
  });
  const children = pids.filter((pid) => postmasters.includes(String(parentOf(Number(pid)))) && isAlive(Number(pid)));
  return [...new Set([...postmasters, ...children])].map(Number);
}

export function postmasterOf(dataDir: string): number | undefined {
  const pgDir = path.join(dataDir, 'pg');
  return postgresProcesses(dataDir).find((pid) => {
    const argv = (readProc(String(pid), 'cmdline') ?? '').split('\0');
    return argv[argv.indexOf('-D') + 1] === pgDir;
  });
}

/** Waits until no process of that cluster is left (postmaster children exit a moment after it). */
export async function waitForNoPostgres(dataDir: string, ms = 10_000): Promise<number[]> {
  const until = Date.now() + ms;
  let left = postgresProcesses(dataDir);
  while (left.length && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    left = postgresProcesses(dataDir);
  }
  return left;
}

/** Last resort for afterAll: stop whatever a failed test left behind in `dataDir`. */
export async function killLeftovers(dataDir: string): Promise<void> {
  const pm = postmasterOf(dataDir);
  if (pm) {
    try {
      process.kill(pm, 'SIGINT');
    } catch {
      /* gone */
    }
    await waitForNoPostgres(dataDir, 15_000);
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run admin -- <args>` as a child process against that database, with `stdin` typed in. */
export function runAdminCli(databaseUrl: string, args: string[], stdin = ''): Promise<CliResult> {
  return runAdminCliWith({ DATABASE_URL: databaseUrl }, args, stdin);
}

/**
 * The same with the environment an operator would give it, e.g. `{DATA_DIR}` for the embedded database
 * of a server that is not running (the CLI starts and stops it).
 */
export function runAdminCliWith(env: Record<string, string | undefined>, args: string[], stdin = ''): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['server/cli/admin.ts', ...args], {
      cwd: ROOT,
      env: cleanEnv({ LOG_LEVEL: 'silent', ...env }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout!.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    proc.on('error', reject);
    proc.on('exit', (code) => resolve({ code, stdout, stderr }));
    proc.stdin!.end(stdin);
  });
}

/**
 * Starts the real server with a configuration it must refuse (a fresh shell's environment plus `env`, as
 * spawnServer gives it) and waits for it to end: what it did (exit code, its stderr lines, everything it
 * wrote). A server that wrongly starts is stopped after 20 s, so a failing test leaves no process behind.
 */
export async function refusedStart(env: Record<string, string | undefined>): Promise<{ code: number | null; stderrLines: string[]; output: string }> {
  const server = spawnServer({ env });
  const guard = setTimeout(() => void server.stop('SIGTERM'), 20_000);
  const exit = await server.exited;
  clearTimeout(guard);
  return { code: exit.code, stderrLines: server.stderr().trim().split('\n'), output: server.output() };
}
