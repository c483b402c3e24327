// `npm run bench startup`: the three start-up goals of issue 13, measured on a fresh clone of HEAD (git
// clone, node_modules hard-linked from this tree, no web/build) with `npm start`'s own command line:
//   1. first start on the fresh clone, build included, to the first 200 of GET /    goal < 30 s
//   2. second start (build present), to the first 200 of GET /                      goal < 5 s
//   3. the app process' resident memory after the second start, idle               goal < 150 MB
// Each start gets a fresh DATA_DIR, so it includes creating the embedded PostgreSQL cluster (initdb);
// a restart on an existing DATA_DIR is printed too, for comparison. Figures are printed, never asserted:
// the machines are shared and noisy (the load average is printed beside them).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cleanEnv, freePort, ROOT, startNodeOptions } from '../helpers/server-process.ts';

export const name = 'startup';
export const description = 'npm start on a fresh clone and again: time to the first 200, idle memory (issue 13 goals)';

/** How long the app sits idle after its first answer before its memory is read. */
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS) || 15;

interface Started {
  proc: ChildProcess;
  /** Spawn to the first 200 of GET /, in ms. */
  firstOkMs: number;
  output: () => string;
  stop(): Promise<void>;
}

/** `npm start`'s command (package.json), with this Node in place of `node`: no npm process in between. */
function startCommand(): string[] {
  return [process.execPath, ...startNodeOptions(), 'server/start.js'];
}

async function start(cwd: string, dataDir: string): Promise<Started> {
  const port = await freePort();
  const [cmd, ...args] = startCommand();
  const began = performance.now();
  const proc = spawn(cmd!, args, { cwd, env: cleanEnv({ DATA_DIR: dataDir, PORT: String(port) }), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  proc.stderr!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  const stop = async () => {
    if (!gone) proc.kill('SIGTERM');
    await exited;
  };
  const until = Date.now() + 600_000;
  while (Date.now() < until) {
    if (gone) throw new Error(`npm start exited before its first answer:\n${out}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5_000) });
      await res.arrayBuffer();
      if (res.status === 200) return { proc, firstOkMs: performance.now() - began, output: () => out, stop };
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  throw new Error(`no 200 from GET / within 10 minutes:\n${out}`);
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

function row(what: string, measured: string, goal: string, met: boolean | null) {
  console.log(`${what.padEnd(52)} ${measured.padStart(10)}   goal ${goal.padEnd(9)} ${met === null ? '' : met ? 'met' : 'NOT MET'}`);
}

export async function run() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'officina-startup-'));
  // Run as root, PostgreSQL runs as the `postgres` user (db/embedded.ts), which must reach DATA_DIR.
  fs.chmodSync(work, 0o755);
  const clone = path.join(work, 'clone');
  const dataDir = (n: string) => path.join(work, `data-${n}`);
  try {
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    console.log(`clone of HEAD ${head}${dirty ? ' (this tree has uncommitted changes: they are NOT measured)' : ''}; node ${process.version}`);
    console.log(
      `load average before: ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${os.cpus().length} cores`,
    );
    execFileSync('git', ['clone', '--quiet', ROOT, clone]);
    // node_modules as `npm ci` would leave it, without the download: hard links to this tree's files.
    execFileSync('cp', ['-al', path.join(ROOT, 'node_modules'), path.join(clone, 'node_modules')]);
    // Except npm's own record of the tree, which npm rewrites in place (an install elsewhere sharing
    // these links would touch the clone's too, and rightly make its build stale).
    const record = path.join(clone, 'node_modules/.package-lock.json');
    // A fresh clone has no compile cache (server/start.js) of its own yet.
    fs.rmSync(path.join(clone, 'node_modules/.cache'), { recursive: true, force: true });
    fs.rmSync(record);
    fs.copyFileSync(path.join(ROOT, 'node_modules/.package-lock.json'), record);
    const { atime, mtime } = fs.statSync(path.join(ROOT, 'node_modules/.package-lock.json'));
    fs.utimesSync(record, atime, mtime);

    const first = await start(clone, dataDir('1'));
    await first.stop();
    if (!/building the pages/.test(first.output())) throw new Error(`the first start did not build:\n${first.output()}`);

    const second = await start(clone, dataDir('2'));
    if (/building the pages/.test(second.output())) throw new Error(`the second start built again:\n${second.output()}`);
    await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
    const idleRss = rssMb(second.proc.pid!);
    await second.stop();

    const restart = await start(clone, dataDir('2'));
    await restart.stop();

    console.log(
      `load average after: ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}\n`,
    );
    row('first start, fresh clone, build included', `${(first.firstOkMs / 1000).toFixed(1)} s`, '< 30 s', first.firstOkMs < 30_000);
    row('second start (build present), fresh DATA_DIR', `${(second.firstOkMs / 1000).toFixed(1)} s`, '< 5 s', second.firstOkMs < 5_000);
    row(`idle RSS of the app process, ${IDLE_SECONDS} s after its first 200`, `${idleRss.toFixed(0)} MB`, '< 150 MB', idleRss < 150);
    row('restart on the same DATA_DIR (no initdb)', `${(restart.firstOkMs / 1000).toFixed(1)} s`, '-', null);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
