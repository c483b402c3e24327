// /dev/mail: the development outbox in the browser. Registered by app.ts only outside production, so in
// production every /dev/mail address is the contract's 404.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../lib/errors.ts';
import { outboxListPage, outboxMessageHtml, outboxMessagePage } from '../modules/mail/mail.devpages.ts';
import { readOutboxRaw } from '../modules/mail/mail.outbox.ts';

export interface DevMailOptions {
  outboxDir: string;
  mode: 'smtp' | 'outbox';
}

const Params = z.object({ id: z.string().max(40) });
const Html = z.string();
const messageNotFound = () => notFound({ it: 'Messaggio non trovato.', en: 'Message not found.' });

const devMailRoutes: FastifyPluginAsyncZod<DevMailOptions> = async (app, opts) => {
  const hide = { hide: true, tags: ['development'] };

  app.get('/dev/mail', { schema: { ...hide, response: { 200: Html } } }, async (_req, reply) => {
    const html = await outboxListPage(opts.outboxDir, opts.mode);
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
  });

  app.get('/dev/mail/:id', { schema: { ...hide, params: Params, response: { 200: Html } } }, async (req, reply) => {
    const html = await outboxMessagePage(opts.outboxDir, req.params.id);
    if (html === null) throw messageNotFound();
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
  });

  app.get('/dev/mail/:id/html', { schema: { ...hide, params: Params, response: { 200: Html } } }, async (req, reply) => {
    const html = await outboxMessageHtml(opts.outboxDir, req.params.id);
    if (html === null) throw messageNotFound();
    // Shown in an iframe: no scripts, no forms, nothing remote, even if a template ever let one through.
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:")
      .header('cache-control', 'no-store')
      .send(html);
  });

  app.get('/dev/mail/:id/raw', { schema: { ...hide, params: Params } }, async (req, reply) => {
    const raw = await readOutboxRaw(opts.outboxDir, req.params.id);
    if (raw === null) throw messageNotFound();
    return reply
      .type('message/rfc822')
      .header('content-disposition', `attachment; filename="${req.params.id}.eml"`)
      .header('cache-control', 'no-store')
      .send(raw);
  });
};

export default devMailRoutes;
