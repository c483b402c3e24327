// `npm start` builds the pages only when needed (server/launch/web.build.ts): the decision against a
// temporary tree shaped like the repository, and the build runner with a stand-in for vite (a script
// that writes what vite would) so no real build, minutes long on these machines, is needed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildFreshness, buildWeb, INPUTS_LIST, STAMP, writeStamp } from '../../server/launch/web.build.ts';

let root: string;

function write(rel: string, text = 'x') {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
}

/** Moves a file's mtime, as an edit (or `touch`) a moment later would. */
function touch(rel: string, later = 5_000) {
  const when = new Date(Date.now() + later);
  fs.utimesSync(path.join(root, rel), when, when);
}

/** What a finished build leaves: the handler, the plugin's list, then the stamp. */
function built(inputs: string[] = [], startedAt = Date.now()) {
  write('web/build/handler.js', 'export const handler = () => {};');
  write(INPUTS_LIST, inputs.map((i) => `${i}\n`).join(''));
  writeStamp(root, startedAt);
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'officina-build-'));
  write('web/src/routes/+page.svelte');
  write('web/src/lib/format.ts');
  write('web/messages/it.json', '{}');
  write('web/project.inlang/settings.json', '{}');
  write('vite.config.ts');
  write('package-lock.json', '{}');
  write('server/lib/log-redact.ts');
  write('server/lib/unrelated.ts');
  // As a clone left them, well before any build.
  for (const rel of [
    'web/src/routes/+page.svelte',
    'web/src/lib/format.ts',
    'web/messages/it.json',
    'web/project.inlang/settings.json',
    'vite.config.ts',
    'package-lock.json',
    'server/lib/log-redact.ts',
    'server/lib/unrelated.ts',
  ]) {
    touch(rel, -3_600_000);
  }
});

afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('buildFreshness: whether npm start must build first', () => {
  it('builds when there is no build', () => {
    expect(buildFreshness(root)).toEqual({ current: false, reason: 'web/build/handler.js is missing' });
  });

  it('builds when the build has no stamp (built by hand, or interrupted)', () => {
    write('web/build/handler.js');
    expect(buildFreshness(root)).toMatchObject({ current: false, reason: expect.stringContaining(STAMP) });
  });

  it('does not build when nothing changed since the build', () => {
    built(['web/src/routes/+page.svelte', 'server/lib/log-redact.ts']);
    expect(buildFreshness(root)).toEqual({ current: true });
  });

  it('builds when a source is touched', () => {
    built();
    touch('web/src/lib/format.ts');
    expect(buildFreshness(root)).toEqual({ current: false, reason: 'web/src/lib/format.ts changed after the last build' });
  });

  it('builds when messages, the vite configuration or the lock file change', () => {
    for (const rel of ['web/messages/it.json', 'vite.config.ts', 'package-lock.json']) {
      built();
      touch(rel);
      expect(buildFreshness(root)).toEqual({ current: false, reason: `${rel} changed after the last build` });
    }
  });

  it('builds when a file is added or removed under the sources (a new route)', () => {
    built();
    write('web/src/routes/nuova/+page.svelte');
    expect(buildFreshness(root)).toMatchObject({ current: false, reason: 'web/src/routes/nuova/+page.svelte was added after the last build' });
    built();
    fs.rmSync(path.join(root, 'web/src/lib/format.ts'));
    expect(buildFreshness(root)).toMatchObject({ current: false, reason: 'web/src/lib/format.ts was removed after the last build' });
  });

  it('builds when a file outside web/ that the build read changes, not when another one does', () => {
    built(['server/lib/log-redact.ts']);
    touch('server/lib/unrelated.ts');
    expect(buildFreshness(root)).toEqual({ current: true });
    touch('server/lib/log-redact.ts');
    expect(buildFreshness(root)).toEqual({ current: false, reason: 'server/lib/log-redact.ts changed after the last build' });
  });

  it('ignores what the build itself writes: compiled messages, the rewritten inlang settings', () => {
    const startedAt = Date.now() - 60_000;
    write('web/src/lib/paraglide/messages.js');
    fs.utimesSync(path.join(root, 'web/project.inlang/settings.json'), new Date(), new Date());
    built([], startedAt);
    expect(buildFreshness(root)).toEqual({ current: true });
    write('web/src/lib/paraglide/runtime.js');
    expect(buildFreshness(root)).toEqual({ current: true });
  });

  it('builds again when a source was saved while the build ran (the build may have read the old text)', () => {
    const startedAt = Date.now() - 60_000;
    touch('web/src/lib/format.ts', -1_000); // saved one second ago, after the build started
    built([], startedAt);
    expect(buildFreshness(root)).toMatchObject({ current: false, reason: 'web/src/lib/format.ts changed after the last build' });
  });
});

describe('buildWeb: the build runs as a child process, then is stamped', () => {
  /** A stand-in for node_modules/vite/bin/vite.js: writes the handler and the plugin's list, or fails. */
  function fakeVite(exitCode: number) {
    write(
      'node_modules/vite/bin/vite.js',
      `const fs = require('node:fs');
       if (process.argv[2] !== 'build') process.exit(9);
       if (${exitCode} !== 0) process.exit(${exitCode});
       fs.mkdirSync('web/build', { recursive: true });
       fs.writeFileSync('web/build/handler.js', '');
       fs.mkdirSync('web/.svelte-kit', { recursive: true });
       fs.appendFileSync(${JSON.stringify(INPUTS_LIST)}, 'server/lib/log-redact.ts\\n');`,
    );
    write('node_modules/vite/package.json', '{"type":"commonjs"}');
  }

  it('a successful build leaves a current, stamped build that names the files it read', async () => {
    fakeVite(0);
    expect(buildFreshness(root).current).toBe(false);
    await buildWeb(root);
    expect(buildFreshness(root)).toEqual({ current: true });
    const stamp = JSON.parse(fs.readFileSync(path.join(root, STAMP), 'utf8')) as { files: Record<string, number> };
    expect(Object.keys(stamp.files)).toContain('server/lib/log-redact.ts');
    expect(Object.keys(stamp.files)).not.toContain('server/lib/unrelated.ts');
  });

  it('a failed build is an error and leaves no stamp', async () => {
    fakeVite(3);
    await expect(buildWeb(root)).rejects.toThrow('vite build failed (exit code 3)');
    expect(fs.existsSync(path.join(root, STAMP))).toBe(false);
  });
});
