// Sign-ins ("sign-in" in code, the auth_sessions table; "session" is a meeting), CSRF protection, roles and cycle ownership for every route that declares an access
// rule (route `config.access`, see server/modules/access/access.rules.ts). Every route under /api/admin
// is guarded: one that forgets to declare a rule is treated as 'administrator' (fail closed).
//
// The scheme, for the console and any script:
// - POST /api/auth/login {email, password} sets the sign-in cookie (HttpOnly, SameSite=Lax, Path=/)
//   holding 256 random bits; PostgreSQL keeps only their SHA-256. In production it is Secure and named
//   `__Host-officina_session`: browsers accept that prefix only from a secure origin, on Path=/ and
//   without Domain, so no sibling subdomain or plain-http page can plant or overwrite it (OWASP ASVS
//   3.4.4). Over plain http in development it is `officina_session` (browsers drop a __Host- cookie
//   that is not Secure).
//   The answer (and GET /api/auth/me) carries `csrfToken`.
// - Every POST/PUT/PATCH/DELETE made with that cookie (all of /api/admin, /api/auth/logout,
//   /api/auth/password) must send the token back in the `x-csrf-token` header, or gets 403
//   `csrf_invalid`. The token is HMAC(server secret, sign-in id): a page on another site can neither
//   read it nor compute it. In addition, a request whose Origin header (or, without one,
//   Sec-Fetch-Site: cross-site) names another site gets 403 `origin_not_allowed`; login is checked too.
// - No cookie or an unknown one: 401 `unauthenticated`; idle for SESSION_IDLE_MINUTES (30 by default)
//   or 12 h after sign-in: 401 `session_expired`; wrong role or a cycle not assigned to this organiser: 403 `forbidden`.
import cookie from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { authErrors } from '../modules/accounts/accounts.errors.ts';
import { ABSOLUTE_MS, type AuthContext } from '../modules/accounts/auth.service.ts';
import { resolveScope, type AccessRule, type Scope } from '../modules/access/access.rules.ts';

/** The sign-in cookie's name: `__Host-` only where the cookie is Secure, as browsers require. */
export function signInCookieName(secure: boolean): string {
  return secure ? '__Host-officina_session' : 'officina_session';
}
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call this route; required under /api/admin. */
    access?: AccessRule;
    /** Refuse cross-site requests even without a session (the login form). */
    originCheck?: boolean;
  }
  interface FastifyRequest {
    auth: AuthContext | null;
    /** The cycle an object-scoped admin route is about, once ownership is checked. */
    scope: Scope | null;
  }
}

/** The signed-in account of a guarded route (the hook has already refused anyone else). */
export function authOf(req: FastifyRequest): AuthContext {
  if (!req.auth) throw authErrors.unauthenticated();
  return req.auth;
}

/** The cycle of an object-scoped route (after the ownership check). */
export function scopeOf(req: FastifyRequest): Scope {
  if (!req.scope) throw authErrors.forbidden();
  return req.scope;
}

export default fp(
  async (app) => {
    if (!app.hasRequestDecorator('cookies')) await app.register(cookie);
    app.decorateRequest('auth', null);
    app.decorateRequest('scope', null);
    const secure = app.config.isProduction;
    const name = signInCookieName(secure);
    const publicOrigin = new URL(app.config.publicUrl).origin;

    function originAllowed(req: FastifyRequest): boolean {
      const origin = req.headers.origin;
      if (origin === undefined) return req.headers['sec-fetch-site'] !== 'cross-site';
      // The configured address, or the address this request was made to (e.g. http://127.0.0.1:3000
      // while PUBLIC_URL says localhost): a page of another site can forge neither.
      return origin === publicOrigin || origin === `${req.protocol}://${req.host}`;
    }

    app.decorate('signInCookie', {
      name,
      set(reply: FastifyReply, signInId: string) {
        reply.setCookie(name, signInId, {
          httpOnly: true,
          sameSite: 'lax',
          secure,
          path: '/',
          maxAge: ABSOLUTE_MS / 1000,
        });
      },
      clear(reply: FastifyReply) {
        reply.clearCookie(name, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
      },
    });

    app.addHook('onRoute', (route) => {
      if (route.url.startsWith('/api/admin') && !route.config?.access) {
        app.log.warn(`${route.method} ${route.url} declares no config.access: administrators only`);
      }
    });

    // onRequest: before the body is read, so anonymous or foreign requests cost nothing and can't
    // learn anything from validation errors.
    app.addHook('onRequest', async (req, reply) => {
      const config = req.routeOptions.config;
      let access = config?.access;
      if (!access && req.routeOptions.url?.startsWith('/api/admin')) access = 'administrator';
      const unsafe = !SAFE_METHODS.has(req.method);
      if (!access) {
        if (config?.originCheck && unsafe && !originAllowed(req)) throw authErrors.originNotAllowed();
        return;
      }
      reply.header('cache-control', 'no-store');

      const signInId = req.cookies[name];
      if (!signInId) throw authErrors.unauthenticated();
      const result = await app.services.auth.authenticate(signInId);
      if (!result.ok) {
        app.signInCookie.clear(reply);
        throw result.reason === 'expired' ? authErrors.sessionExpired() : authErrors.unauthenticated();
      }
      req.auth = result.auth;

      if (unsafe) {
        if (!originAllowed(req)) throw authErrors.originNotAllowed();
        const presented = req.headers['x-csrf-token'];
        if (typeof presented !== 'string' || !app.services.auth.csrfMatches(presented, result.auth)) {
          throw authErrors.csrfInvalid();
        }
      }

      if (access === 'any') return;
      if (access === 'administrator') {
        if (result.auth.account.role !== 'administrator') throw authErrors.forbidden();
        return;
      }
      req.scope = await resolveScope(app.db, result.auth.account, access, req.params as Record<string, string>);
    });
  },
  { name: 'auth', dependencies: ['db', 'errors'] },
);

declare module 'fastify' {
  interface FastifyInstance {
    signInCookie: { name: string; set(reply: FastifyReply, signInId: string): void; clear(reply: FastifyReply): void };
  }
}
