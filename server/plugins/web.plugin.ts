// Every path that is not /api, /ical or a download goes to the SvelteKit app (web/), mounted inside
// Fastify so one process serves one port. Until the web app is built, a plain page says so.
import fp from 'fastify-plugin';

export default fp<{ enabled: boolean }>(
  async (app, opts) => {
    if (!opts.enabled) return;
    app.get('/', async (_req, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .send('<!doctype html><html lang="it"><meta charset="utf-8"><title>Officina</title><h1>Officina</h1><p><a href="/api/cycles">/api/cycles</a> · <a href="/api/docs">/api/docs</a></p></html>'),
    );
  },
  { name: 'web', dependencies: ['errors'] },
);
