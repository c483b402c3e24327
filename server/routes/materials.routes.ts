// Downloads of materials for the public and for participants (organisers have their own address in
// admin-materials.routes.ts). Files stream with their detected type, a sanitised download name and
// nosniff; links answer 302 to where they lead. Every refusal is the same 404.
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contentDisposition } from '../modules/materials/materials.files.ts';
import { MaterialIdParams, TokenMaterialParams } from '../modules/materials/materials.schemas.ts';
import type { Download } from '../modules/materials/materials.service.ts';
import { ErrorSchema } from './common.schemas.ts';

const FileBody = z.string().describe('the file (its detected content type), or a 302 to a link');

/** Sends a download: headers that keep a browser from rendering or sniffing it, then the bytes. */
export function sendDownload(reply: FastifyReply, d: Download, cache: 'shared' | 'private') {
  reply.header('x-content-type-options', 'nosniff');
  // Private addresses carry a token: never cached by a proxy, never leaked in a Referer.
  reply.header('cache-control', cache === 'private' ? 'private, no-store' : 'no-cache');
  reply.header('referrer-policy', 'no-referrer');
  if (d.kind === 'link') return reply.redirect(d.url, 302);
  reply.header('content-security-policy', "default-src 'none'; sandbox");
  reply.header('content-disposition', contentDisposition('attachment', d.fileName));
  reply.header('content-length', String(d.size));
  return reply.type(d.contentType).send(d.stream);
}

const materialsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/materials/:id/download',
    {
      // HEAD would open the file and count a download for nothing.
      exposeHeadRoute: false,
      schema: {
        tags: ['public'],
        summary: 'Download (or follow) a public material of a published cycle',
        params: MaterialIdParams,
        response: { 200: FileBody, 404: ErrorSchema },
      },
    },
    async (req, reply) => sendDownload(reply, await app.services.materials.publicDownload(req.params.id), 'shared'),
  );

  app.get(
    '/registrations/:token/materials/:id/download',
    {
      exposeHeadRoute: false,
      schema: {
        tags: ['public'],
        summary: 'Download (or follow) a material as the participant behind the token; the right is checked at every request',
        params: TokenMaterialParams,
        response: { 200: FileBody, 404: ErrorSchema },
      },
    },
    async (req, reply) => sendDownload(reply, await app.services.materials.tokenDownload(req.params.token, req.params.id), 'private'),
  );
};
export default materialsRoutes;
