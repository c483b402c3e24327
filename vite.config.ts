// Builds the SvelteKit app in web/ (see svelte.config.js) into web/build, which server/plugins/web.plugin.ts
// mounts inside Fastify. Messages are compiled by Paraglide from web/messages into web/src/lib/paraglide.
import fs from 'node:fs';
import path from 'node:path';
import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig, type Plugin } from 'vite';

/**
 * Lists the repository's own files (not node_modules) that a build compiled, one per line, in
 * web/.svelte-kit/build-inputs.txt: `npm start` rebuilds when one of them changes, also those outside
 * web/ (a page imports server/lib/log-redact.ts). See server/launch/web.build.ts.
 */
function listBuildInputs(): Plugin {
  const root = process.cwd();
  const seen = new Set<string>();
  return {
    name: 'officina-build-inputs',
    apply: 'build',
    transform(_code, id) {
      const file = id.split('?')[0]!;
      if (path.isAbsolute(file) && file.startsWith(root + path.sep) && !file.includes(`${path.sep}node_modules${path.sep}`)) {
        seen.add(path.relative(root, file).split(path.sep).join('/'));
      }
      return null;
    },
    // SvelteKit builds the server and the client in turn: each adds its own list.
    closeBundle() {
      fs.mkdirSync('web/.svelte-kit', { recursive: true });
      fs.appendFileSync('web/.svelte-kit/build-inputs.txt', [...seen].map((f) => `${f}\n`).join(''));
    },
  };
}

export default defineConfig({
  plugins: [
    paraglideVitePlugin({
      project: './web/project.inlang',
      outdir: './web/src/lib/paraglide',
      // The page language comes from the address (/en/... is English, anything else Italian); the
      // remembered choice (cookie officina_lang) is applied by web/src/hooks.server.ts with a redirect.
      strategy: ['url', 'baseLocale'],
    }),
    sveltekit(),
    listBuildInputs(),
  ],
  // The gzip size of every chunk in the build's report costs seconds of each `npm start` on a fresh
  // clone; the assets themselves are still precompressed (svelte.config.js).
  build: { reportCompressedSize: false },
  // Fastify brings cookie@2 to the top of node_modules; SvelteKit 2 needs its own 0.6 (docs/decisions.md).
  ssr: { noExternal: ['cookie'] },
});
