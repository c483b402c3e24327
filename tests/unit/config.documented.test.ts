// Every environment variable the app reads is documented twice: in .env.example (what an installer
// copies) and in the README's configuration table (what an operator reads). A variable added to
// server/config.ts, or read from process.env anywhere else, fails this test until both name it.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, loadConfig } from '../../server/config.ts';
import { ROOT } from '../helpers/server-process.ts';

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

/**
 * `process.env.NAME` read in the app's own code outside config.ts's schema; names the app assigns itself
 * (ORIGIN and ADDRESS_HEADER, set for SvelteKit's handler by web.plugin.ts) are no configuration.
 */
function readsElsewhere(): string[] {
  const found = new Set<string>();
  const assigned = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (/\.(ts|js)$/.test(entry.name)) {
        const text = read(rel);
        for (const m of text.matchAll(/process\.env\.([A-Z][A-Z0-9_]*)\b/g)) found.add(m[1]!);
        for (const m of text.matchAll(/process\.env\.([A-Z][A-Z0-9_]*)\s*=[^=]/g)) assigned.add(m[1]!);
      }
    }
  };
  for (const dir of ['server', 'db', 'emails']) walk(dir);
  return [...found].filter((name) => !assigned.has(name));
}

/** NAME of every `NAME=` line of .env.example, set or commented out (`# NAME=`). */
function envExampleNames(): string[] {
  return [...read('.env.example').matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!);
}

/** The names in the first column of the README's "## Configuration" table (`PORT / HOST` is two). */
function readmeTableNames(): string[] {
  const section = read('README.md')
    .split(/^## /m)
    .find((s) => s.startsWith('Configuration'));
  if (!section) return [];
  const rows = section.split('\n').filter((l) => /^\| *[A-Z`]/.test(l));
  return rows.flatMap((row) =>
    row
      .split('|')[1]!
      .split('/')
      .map((n) => n.replace(/`/g, '').trim()),
  );
}

describe('configuration is documented', () => {
  const variables = [...new Set([...CONFIG_VARIABLES, ...readsElsewhere()])].sort();

  it('config.ts reads the variables this test expects (a sanity floor)', () => {
    expect(variables).toEqual(expect.arrayContaining(['DATABASE_URL', 'PUBLIC_URL', 'SECRET_KEY', 'TRUST_PROXY']));
  });

  it('.env.example names every variable, and none the app does not read', () => {
    const names = envExampleNames();
    expect(variables.filter((v) => !names.includes(v))).toEqual([]);
    expect(names.filter((n) => !variables.includes(n))).toEqual([]);
    expect(names.length, 'each variable once').toBe(new Set(names).size);
  });

  it('.env.example as written is a valid production configuration', () => {
    const lines = read('.env.example')
      .split('\n')
      .filter((l) => /^[A-Z]/.test(l));
    const env = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    const config = loadConfig(env);
    expect(config.isProduction).toBe(true);
    expect(config.demoData).toBe(false);
  });

  it("the README's configuration table names every variable, and none the app does not read", () => {
    const names = readmeTableNames();
    expect(variables.filter((v) => !names.includes(v))).toEqual([]);
    expect(names.filter((n) => !variables.includes(n))).toEqual([]);
  });
});
