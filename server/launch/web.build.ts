// The pages' build (web/build) and whether it is current. `npm run build` always builds; `npm start`
// (server/start.js) builds only when the build is missing or older than what it is built from.
//
// "What it is built from": the files under WATCHED (sources, messages, configuration, the lock files
// that pin the compilers), plus any other file of the repository the build itself read (e.g.
// server/lib/log-redact.ts, which a page imports): the vite plugin in vite.config.ts lists those in
// web/.svelte-kit/build-inputs.txt. The stamp keeps every such file with its mtime as the build left it;
// the build is stale when one of them has another mtime now (edited, touched, checked out), is gone, or
// a new file appeared under WATCHED (a new route). Mtimes as the build left them, not "older than the
// build": Paraglide rewrites web/project.inlang/settings.json (same content) on every build.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Paths (relative to the repository root) whose files the build reads. */
export const WATCHED = [
  'web/src',
  'web/static',
  'web/messages',
  'web/project.inlang/settings.json',
  'web/tsconfig.json',
  'svelte.config.js',
  'vite.config.ts',
  'package.json',
  'package-lock.json',
  // npm rewrites it on every install: a changed node_modules (npm ci, an upgrade) means a new build.
  'node_modules/.package-lock.json',
];

/** Written by the build, never sources: Paraglide's compiled messages (from web/messages), SvelteKit's own. */
const GENERATED = ['web/src/lib/paraglide', 'web/.svelte-kit'];
const isGenerated = (rel: string) => GENERATED.some((g) => rel === g || rel.startsWith(`${g}/`));
/** Files the build itself rewrites: their mtime after the build is the one to keep. */
const REWRITTEN_BY_BUILD = ['web/project.inlang/settings.json'];

export const STAMP = 'web/build/.officina-build.json';
/** Where the vite plugin (vite.config.ts) lists the repository files the build read. */
export const INPUTS_LIST = 'web/.svelte-kit/build-inputs.txt';
/** What the server mounts (server/plugins/web.plugin.ts): without it there is no build. */
const HANDLER = 'web/build/handler.js';

interface Stamp {
  /** Every file the build read, relative to the root, with its mtime (ms) as the build left it. */
  files: Record<string, number>;
}

export type Freshness = { current: true } | { current: false; reason: string };

/** The files under `rel` (a file or a folder), relative to `root`, each with its mtime. */
function collect(root: string, rel: string, into: Map<string, number>): void {
  if (isGenerated(rel)) return;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(path.join(root, rel));
  } catch {
    return; // absent (e.g. node_modules/.package-lock.json before any install): nothing to read
  }
  if (!stat.isDirectory()) {
    into.set(rel, stat.mtimeMs);
    return;
  }
  for (const entry of fs.readdirSync(path.join(root, rel))) collect(root, path.posix.join(rel, entry), into);
}

function readStamp(root: string): Stamp | null {
  try {
    const stamp = JSON.parse(fs.readFileSync(path.join(root, STAMP), 'utf8')) as Partial<Stamp>;
    return stamp.files && typeof stamp.files === 'object' ? (stamp as Stamp) : null;
  } catch {
    return null;
  }
}

/** Whether web/build may be served as it is, and if not, why (for the start-up line). */
export function buildFreshness(root: string): Freshness {
  if (!fs.existsSync(path.join(root, HANDLER))) return { current: false, reason: `${HANDLER} is missing` };
  const stamp = readStamp(root);
  if (!stamp) return { current: false, reason: `${STAMP} is missing or unreadable` };
  const now = new Map<string, number>();
  for (const rel of WATCHED) collect(root, rel, now);
  for (const [rel, mtime] of Object.entries(stamp.files)) {
    const seen = now.get(rel) ?? fs.statSync(path.join(root, rel), { throwIfNoEntry: false })?.mtimeMs;
    if (seen === undefined) return { current: false, reason: `${rel} was removed after the last build` };
    if (seen !== mtime) return { current: false, reason: `${rel} changed after the last build` };
  }
  for (const rel of now.keys()) {
    if (!(rel in stamp.files)) return { current: false, reason: `${rel} was added after the last build` };
  }
  return { current: true };
}

/**
 * Records a finished build that started at `startedAt`: the files under WATCHED and those the vite
 * plugin listed, with their mtimes. A source saved while the build ran (mtime after `startedAt`) may
 * not be in it: it is recorded with mtime 0, so the next start builds again.
 */
export function writeStamp(root: string, startedAt: number): void {
  const files = new Map<string, number>();
  for (const rel of WATCHED) collect(root, rel, files);
  let listed: string[] = [];
  try {
    listed = fs.readFileSync(path.join(root, INPUTS_LIST), 'utf8').split('\n').filter(Boolean);
  } catch {
    /* a build without the plugin's list: WATCHED alone */
  }
  for (const rel of listed) collect(root, rel, files);
  for (const [rel, mtime] of files) {
    if (mtime > startedAt && !REWRITTEN_BY_BUILD.includes(rel)) files.set(rel, 0);
  }
  const stamp: Stamp = { files: Object.fromEntries([...files].sort(([a], [b]) => a.localeCompare(b))) };
  fs.writeFileSync(path.join(root, STAMP), JSON.stringify(stamp, null, 1) + '\n');
}

/**
 * Runs `vite build` (Paraglide compiles the messages as part of it) in a child process that ends with
 * the build, so its compilers never stay in the server's memory, then writes the stamp.
 */
export async function buildWeb(root: string): Promise<void> {
  const startedAt = Date.now();
  fs.rmSync(path.join(root, INPUTS_LIST), { force: true });
  const vite = path.join(root, 'node_modules/vite/bin/vite.js');
  const child = spawn(process.execPath, [vite, 'build'], { cwd: root, stdio: 'inherit' });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (exitCode, signal) => resolve(signal ? null : exitCode));
  });
  if (code !== 0) throw new Error(`vite build failed (${code === null ? 'killed' : `exit code ${code}`})`);
  writeStamp(root, startedAt);
}
