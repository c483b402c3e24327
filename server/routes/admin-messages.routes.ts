// Organiser API: writing to everyone registered for a cycle, and the cycle's mail log (who got what,
// when). Sending and its idempotency are the mail module's (mail.service.ts sendToCycle).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BulkMessageInput } from '../modules/mail/mail.service.ts';
import { scopeOf } from '../plugins/auth.plugin.ts';
import { accessDenied, adminTags, ErrorSchema, IdParams, managesCycle } from './common.schemas.ts';

const MailLogEntry = z.object({
  id: z.string(),
  template: z.string(),
  registrationId: z.string().nullable(),
  sessionId: z.string().nullable(),
  recipient: z.string().nullable(),
  subject: z.string().nullable(),
  status: z.enum(['sending', 'sent', 'retrying', 'failed', 'skipped']),
  attempts: z.number().int(),
  smtpResponse: z.string().nullable(),
  error: z.string().nullable(),
  possibleDuplicate: z.boolean(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});

const adminMessagesRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/cycles/:id/messages',
    {
      config: managesCycle,
      schema: {
        tags: adminTags,
        summary: 'Write to everyone registered (by status); the same messageId is never sent twice',
        params: IdParams,
        body: BulkMessageInput,
        response: {
          202: z.object({ messageId: z.uuid(), recipients: z.number().int(), duplicate: z.boolean() }),
          400: ErrorSchema,
          409: ErrorSchema,
          ...accessDenied,
        },
      },
    },
    async (req, reply) => reply.code(202).send(await app.services.mail.sendToCycle(scopeOf(req).cycleId, req.body)),
  );

  app.get(
    '/cycles/:id/mail-log',
    {
      config: managesCycle,
      schema: {
        tags: adminTags,
        summary: 'The mail sent (or being sent) about this cycle, newest first',
        params: IdParams,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(2000).default(500) }),
        response: { 200: z.object({ items: z.array(MailLogEntry) }), ...accessDenied },
      },
    },
    async (req) => ({ items: await app.services.mail.log({ cycleId: scopeOf(req).cycleId, limit: req.query.limit }) }),
  );
};
export default adminMessagesRoutes;
