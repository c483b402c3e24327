// Sign-in and sign-out of organisers and administrators (the scheme is described in
// server/plugins/auth.plugin.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authOf } from '../plugins/auth.plugin.ts';
import { ChangePasswordBody, LoginBody, MeSchema } from '../modules/accounts/accounts.schemas.ts';
import { ErrorSchema } from './common.schemas.ts';

const authRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/auth/login',
    {
      config: { originCheck: true },
      schema: {
        tags: ['auth'],
        summary: 'Sign in: sets the session cookie and returns the CSRF token',
        body: LoginBody,
        response: { 200: MeSchema, 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 429: ErrorSchema },
      },
    },
    async (req, reply) => {
      // A new id at every sign-in; whatever session the browser held before is ended.
      const previous = req.cookies[app.signInCookie.name];
      const result = await app.services.auth.login({
        email: req.body.email,
        password: req.body.password,
        ip: req.ip,
        userAgent: req.headers['user-agent'] ?? null,
      });
      if (previous) await app.services.auth.logout(previous);
      app.signInCookie.set(reply, result.signInId);
      reply.header('cache-control', 'no-store');
      return { account: result.account, csrfToken: result.csrfToken, expiresAt: result.expiresAt.toISOString() };
    },
  );

  app.post(
    '/auth/logout',
    {
      config: { access: 'any' },
      schema: {
        tags: ['auth'],
        summary: 'Sign out: the session ends server-side',
        response: { 204: z.null(), 401: ErrorSchema, 403: ErrorSchema },
      },
    },
    async (req, reply) => {
      await app.services.auth.logout(authOf(req).signInId);
      app.signInCookie.clear(reply);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/auth/me',
    {
      config: { access: 'any' },
      schema: {
        tags: ['auth'],
        summary: 'The signed-in account and its CSRF token',
        response: { 200: MeSchema, 401: ErrorSchema },
      },
    },
    async (req) => {
      const auth = authOf(req);
      return { account: auth.account, csrfToken: auth.csrfToken };
    },
  );

  app.post(
    '/auth/password',
    {
      config: { access: 'any' },
      schema: {
        tags: ['auth'],
        summary: 'Change one’s own password (other sessions of the account end)',
        body: ChangePasswordBody,
        response: { 204: z.null(), 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema },
      },
    },
    async (req, reply) => {
      await app.services.auth.changePassword(authOf(req), req.body.currentPassword, req.body.newPassword);
      return reply.code(204).send(null);
    },
  );
};
export default authRoutes;
