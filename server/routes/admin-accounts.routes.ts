// Organiser API, administrators only: accounts of organisers and administrators.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AccountParams, AccountSchema, CreateAccountBody, CreatedAccountSchema, UpdateAccountBody } from '../modules/accounts/accounts.schemas.ts';
import { accessDenied, adminTags, ErrorSchema } from './common.schemas.ts';

const adminAccountsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/accounts',
    {
      config: { access: 'administrator' },
      schema: {
        tags: adminTags,
        summary: 'Every account with the cycles it runs',
        response: { 200: z.object({ items: z.array(AccountSchema) }), ...accessDenied },
      },
    },
    async () => ({ items: await app.services.accounts.list() }),
  );

  app.post(
    '/accounts',
    {
      config: { access: 'administrator' },
      schema: {
        tags: adminTags,
        summary: 'Create an account; without a password one is generated and returned once',
        body: CreateAccountBody,
        response: { 201: CreatedAccountSchema, 400: ErrorSchema, 409: ErrorSchema, ...accessDenied },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return reply.code(201).send(await app.services.accounts.create(req.body));
    },
  );

  app.get(
    '/accounts/:id',
    {
      config: { access: 'administrator' },
      schema: { tags: adminTags, summary: 'One account', params: AccountParams, response: { 200: AccountSchema, ...accessDenied } },
    },
    async (req) => app.services.accounts.get(req.params.id),
  );

  app.patch(
    '/accounts/:id',
    {
      config: { access: 'administrator' },
      schema: {
        tags: adminTags,
        summary: 'Rename, change role, (de)activate or set the password; deactivation and a new password end its sessions',
        params: AccountParams,
        body: UpdateAccountBody,
        response: { 200: AccountSchema, 400: ErrorSchema, 409: ErrorSchema, ...accessDenied },
      },
    },
    async (req) => app.services.accounts.update(req.params.id, req.body),
  );
};
export default adminAccountsRoutes;
