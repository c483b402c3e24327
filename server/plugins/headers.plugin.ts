// The security headers of every answer, set in one place: the API's JSON, the OpenAPI pages, the
// calendar feeds, downloads, and the pages (SvelteKit replaces the ones it sets itself: its
// Content-Security-Policy for HTML, see svelte.config.js). They are written on the raw response in
// onRequest, so they also reach answers that bypass Fastify's reply (the hijacked page handler), and a
// route that needs another policy (a sandboxed material, /dev/mail's preview) still overrides them.
//
// - nosniff: a JSON or text answer is never run as a script or shown as HTML.
// - frame-ancestors 'none' (+ X-Frame-Options for old browsers): nothing of ours is framed elsewhere.
// - default-src 'none' for what isn't a page: an answer opened directly can load nothing.
// - HSTS only when PUBLIC_URL is https: over http it would be ignored, and on a development machine it
//   would pin localhost to https.
import fp from 'fastify-plugin';

const API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export default fp(
  async (app) => {
    const hsts = app.config.publicUrl.startsWith('https://') ? 'max-age=31536000; includeSubDomains' : null;
    app.addHook('onRequest', async (_req, reply) => {
      const res = reply.raw;
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('x-frame-options', 'DENY');
      res.setHeader('content-security-policy', API_POLICY);
      res.setHeader('referrer-policy', 'no-referrer');
      res.setHeader('cross-origin-opener-policy', 'same-origin');
      if (hsts) res.setHeader('strict-transport-security', hsts);
    });
  },
  { name: 'headers' },
);
