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
