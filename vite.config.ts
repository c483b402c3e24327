// Builds the SvelteKit app in web/ (see svelte.config.js) into web/build, which server/plugins/web.plugin.ts
// mounts inside Fastify. Messages are compiled by Paraglide from web/messages into web/src/lib/paraglide.
import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

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
  ],
  // Fastify brings cookie@2 to the top of node_modules; SvelteKit 2 needs its own 0.6 (STACK.md).
  ssr: { noExternal: ['cookie'] },
});
