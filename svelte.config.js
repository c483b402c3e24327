// The SvelteKit app lives in web/ but is built from the root (one package.json): see web/README.md.
import adapter from '@sveltejs/adapter-node';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  kit: {
    // Mounted inside Fastify by server/plugins/web.plugin.ts; precompressed assets are served as-is.
    adapter: adapter({ out: 'web/build', precompress: true }),
    files: {
      src: 'web/src',
      assets: 'web/static',
    },
    outDir: 'web/.svelte-kit',
    // Absolute /_app/... asset paths: the same HTML works at /x and at /en/x.
    paths: { relative: false },
    // Form posts from another origin are refused by hooks.server.ts (lib/server/form-origin.ts) instead,
    // with a message that says which address to use: SvelteKit's own refusal is a bare 403 that a
    // form sent by the page's script cannot show, so the button seemed to do nothing.
    csrf: { trustedOrigins: ['*'] },
    // Everything a page uses comes from us: the policy makes that a rule the browser enforces.
    csp: {
      mode: 'auto',
      directives: {
        'default-src': ['self'],
        // wasm-unsafe-eval lets WebAssembly compile (the console's QR reader, qr.detector.ts) and
        // nothing else: eval and inline scripts stay forbidden.
        'script-src': ['self', 'wasm-unsafe-eval'],
        'style-src': ['self'],
        // SvelteKit's route announcer (it tells screen readers the new page's title) has a style attribute.
        'style-src-attr': ['unsafe-inline'],
        'img-src': ['self', 'data:'],
        'font-src': ['self'],
        'connect-src': ['self'],
        'form-action': ['self'],
        'frame-ancestors': ['none'],
        'base-uri': ['self'],
        'object-src': ['none'],
      },
    },
  },
};

export default config;
