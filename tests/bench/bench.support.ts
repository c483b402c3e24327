// Shared pieces of the benchmarks: a throw-away PostgreSQL with production durability, a closed-loop
// load driver for baselines that bypass HTTP, latency percentiles and the printed figures.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../db/embedded.ts';

/** What every benchmark module exports; run.ts keeps the list. */
export interface Bench {
  name: string;
  description: string;
  run(): Promise<void>;
}

export function durationSeconds(fallback = 10): number {
  const n = Number(process.env.BENCH_DURATION);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

export function warmupSeconds(fallback = 2): number {
  const n = Number(process.env.BENCH_WARMUP);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

// statfs magic numbers of the file systems a data directory is likely to live on: fsync costs nothing
// on tmpfs, so the figures mean something else there.
const FS_TYPES: Record<number, string> = {
  0xef53: 'ext4/ext3',
  0x58465342: 'xfs',
  0x9123683e: 'btrfs',
  0x01021994: 'tmpfs',
  0x794c7630: 'overlayfs',
  0x2fc12fc1: 'zfs',
};

export interface BenchDatabase {
  url: string;
  dir: string;
  /** The postmaster's pid (its backends are its children), for CPU accounting. */
  pid: number | null;
  /** One line: server version, durability settings and the file system under the data directory. */
  describe(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * An embedded PostgreSQL in a temporary directory with the server's defaults for durability (fsync,
 * synchronous_commit and full_page_writes stay on, unlike the test cluster), removed on stop().
 */
export async function startBenchDatabase(database = 'officina_bench'): Promise<BenchDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'officina-bench-'));
  const embedded = await startEmbeddedPostgres(dir, { database });
  const pidFile = path.join(dir, 'pg', 'postmaster.pid');
  const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]) || null : null;
  return {
    url: embedded.url,
    dir,
    pid,
    async describe() {
      const client = new pg.Client({ connectionString: embedded.url });
      await client.connect();
      try {
        const names = ['server_version', 'fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method', 'shared_buffers', 'max_connections'];
        const rows = await client.query<{ name: string; setting: string }>(
          'SELECT name, current_setting(name) AS setting FROM pg_settings WHERE name = ANY($1) ORDER BY name',
          [names],
        );
        const settings = rows.rows.map((r) => `${r.name}=${r.setting}`).join(' ');
        const fsType = FS_TYPES[Number(fs.statfsSync(dir).type)] ?? `statfs type 0x${Number(fs.statfsSync(dir).type).toString(16)}`;
        return `${settings}; data directory on ${fsType} (${dir})`;
      } finally {
        await client.end();
      }
    },
    async stop() {
      await embedded.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface LoopResult {
  /** Completed iterations per second over the measured window. */
  rate: number;
  completed: number;
  failed: number;
  seconds: number;
  p50: number;
  p99: number;
  /** The first failure, so a broken baseline shows why instead of printing a flattering rate. */
  firstError?: unknown;
}

/**
 * Closed loop like autocannon's: `concurrency` async workers each run `fn` back to back until the
 * time is up. Latency is measured around each call (pool waits included, as in the app).
 */
export async function closedLoop(concurrency: number, seconds: number, fn: () => Promise<void>): Promise<LoopResult> {
  const latencies: number[] = [];
  let failed = 0;
  let firstError: unknown;
  const start = performance.now();
  const until = start + seconds * 1000;
  async function worker() {
    while (performance.now() < until) {
      const t0 = performance.now();
      try {
        await fn();
        const t1 = performance.now();
        if (t1 <= until) latencies.push(t1 - t0);
      } catch (err) {
        failed += 1;
        firstError ??= err;
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (Math.min(performance.now(), until) - start) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    rate: latencies.length / elapsed,
    completed: latencies.length,
    failed,
    seconds: elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    firstError,
  };
}

/** Nearest-rank percentile of sorted values (what an HDR histogram reports, without the bucketing). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function machineLine(): string {
  const cpus = os.cpus();
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  // Load before the run: other work on the machine takes cores from both the app and PostgreSQL.
  return `node ${process.version}, ${cpus.length} CPU(s) (${cpus[0]?.model.trim() ?? 'unknown'}), ${os.platform()} ${os.release()}, load average ${load}`;
}

/** A plain text table: right-aligned columns, a header and a rule. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

// CPU time, Linux only (/proc): a Node process' main thread (the app's event loop, or the baseline's
// loop), the whole Node process (adds GC helpers, the mail worker's work, and for the baseline its
// own loop) and every PostgreSQL process. Per request it shows where the cores went; elsewhere the
// figures are NaN and print as "-".
export interface CpuSample {
  mainMs: number;
  processMs: number;
  postgresMs: number;
}

const TICK_MS = 10; // USER_HZ is 100 on every Linux /proc this runs on

/** utime+stime (and, with children, cutime+cstime) of one /proc stat line, in ms. */
function statCpuMs(file: string, withChildren = false): { ms: number; ppid: number } | null {
  try {
    const text = fs.readFileSync(file, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // f[0] is field 3 (state): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17.
    const ticks = Number(f[11]) + Number(f[12]) + (withChildren ? Number(f[13]) + Number(f[14]) : 0);
    return { ms: ticks * TICK_MS, ppid: Number(f[1]) };
  } catch {
    return null;
  }
}

/** `nodePid`: the Node process measured (a spawned server); this process by default. */
export function cpuSample(postmasterPid: number | null, nodePid: number = process.pid): CpuSample {
  const main = statCpuMs(`/proc/${nodePid}/task/${nodePid}/stat`);
  const whole = statCpuMs(`/proc/${nodePid}/stat`);
  let postgresMs = NaN;
  if (postmasterPid && fs.existsSync('/proc')) {
    // Exited backends are counted in the postmaster's cutime/cstime once reaped.
    postgresMs = statCpuMs(`/proc/${postmasterPid}/stat`, true)?.ms ?? NaN;
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry) || Number(entry) === postmasterPid) continue;
      const st = statCpuMs(`/proc/${entry}/stat`);
      if (st && st.ppid === postmasterPid) postgresMs += st.ms;
    }
  }
  return { mainMs: main?.ms ?? NaN, processMs: whole?.ms ?? NaN, postgresMs };
}

/** CPU ms per completed request between two samples: "main / node / postgres". */
export function cpuPerRequest(before: CpuSample, after: CpuSample, requests: number): string {
  const f = (a: number, b: number) => (Number.isFinite(b - a) && requests > 0 ? ((b - a) / requests).toFixed(2) : '-');
  return `${f(before.mainMs, after.mainMs)} / ${f(before.processMs, after.processMs)} / ${f(before.postgresMs, after.postgresMs)}`;
}
