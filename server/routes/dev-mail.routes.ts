// /dev/mail: the development outbox in the browser. Registered by app.ts only outside production, so in
// production every /dev/mail address is the contract's 404.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../lib/errors.ts';
import { msg } from '../lib/i18n.ts';
import { outboxListPage, outboxMessageHtml, outboxMessagePage } from '../modules/mail/mail.devpages.ts';
import { readOutboxRaw } from '../modules/mail/mail.outbox.ts';

export interface DevMailOptions {
  outboxDir: string;
  mode: 'smtp' | 'outbox';
}

const Params = z.object({ id: z.string().max(40) });
const Html = z.string();
/** The outbox pages: their own inline style and the message preview frame, nothing else. */
const PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'; frame-ancestors 'none'";
const messageNotFound = () => notFound(msg('error_dev_message_not_found'));

/** The machine's own address, reached directly (a request relayed by a proxy carries X-Forwarded-For). */
function fromThisMachine(ip: string, forwarded: unknown): boolean {
  if (forwarded !== undefined) return false;
  return ip === '::1' || ip === '::ffff:127.0.0.1' || /^127\.\d+\.\d+\.\d+$/.test(ip);
}

const devMailRoutes: FastifyPluginAsyncZod<DevMailOptions> = async (app, opts) => {
  const hide = { hide: true, tags: ['development'] };

  // The outbox holds every message and manage link: only the developer at this machine may read it,
  // never a visitor of a development instance that happens to be reachable. Others get the same 404
  // as in production.
  app.addHook('onRequest', async (req) => {
    if (!fromThisMachine(req.ip, req.headers['x-forwarded-for'])) throw notFound();
  });

  app.get('/dev/mail', { schema: { ...hide, response: { 200: Html } } }, async (_req, reply) => {
    const html = await outboxListPage(opts.outboxDir, opts.mode);
    return reply.type('text/html; charset=utf-8').header('content-security-policy', PAGE_POLICY).header('cache-control', 'no-store').send(html);
  });

  app.get('/dev/mail/:id', { schema: { ...hide, params: Params, response: { 200: Html } } }, async (req, reply) => {
    const html = await outboxMessagePage(opts.outboxDir, req.params.id);
    if (html === null) throw messageNotFound();
    return reply.type('text/html; charset=utf-8').header('content-security-policy', PAGE_POLICY).header('cache-control', 'no-store').send(html);
  });

  app.get('/dev/mail/:id/html', { schema: { ...hide, params: Params, response: { 200: Html } } }, async (req, reply) => {
    const html = await outboxMessageHtml(opts.outboxDir, req.params.id);
    if (html === null) throw messageNotFound();
    // Shown in an iframe: no scripts, no forms, nothing remote, even if a template ever let one through.
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'")
      .header('x-frame-options', 'SAMEORIGIN')
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
