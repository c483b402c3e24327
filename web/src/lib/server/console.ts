// The console's way to the organiser API (/api/admin, /api/auth): the same in-process call as the
// public pages (api.ts), carrying the organiser's own sign-in cookie. State-changing calls also carry
// the CSRF token the API hands out at GET /api/auth/me (asked once per request, only when needed):
// the browser never sees it, because every change goes through a form action of ours, and SvelteKit's
// Origin check already refuses form posts from other sites.
//
// A missing or expired sign-in turns into a redirect to the sign-in page, which brings the person
// back to where they were; 403 and 404 become the console's error page.
import { error, redirect, type Cookies } from '@sveltejs/kit';
import { href, pagePath } from '$lib/i18n';
import { m } from '$lib/paraglide/messages.js';
import type { Locale } from '$lib/paraglide/runtime.js';
import { ApiError, send } from '$lib/server/api';
import type { Me } from '$lib/components/console/types';

/**
 * The name the API gives the sign-in cookie (`__Host-officina_session` in production, see
 * server/plugins/auth.plugin.ts). Only that name is read: falling back to the unprefixed one would let
 * a cookie planted by a sibling subdomain through. Pages running apart from the API (`vite dev`) are
 * development over http, where the name has no prefix.
 */
function signInCookie(): string {
  return globalThis.__officinaWeb?.config.signInCookie ?? 'officina_session';
}

export interface ConsoleEvent {
  cookies: Cookies;
  locals: { locale: Locale };
  url: URL;
  request: Request;
  getClientAddress(): string;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

const PRIVATE_HEADERS = { 'cache-control': 'private, no-store', 'x-robots-tag': 'noindex, nofollow' };
export { PRIVATE_HEADERS as CONSOLE_HEADERS };

/** Only our own console addresses are followed after sign-in (no open redirect, no way out by ".."). */
export function safeNext(next: string | null, locale: Locale): string {
  const fallback = href(pagePath.console.home(), locale);
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return fallback;
  let url: URL;
  try {
    url = new URL(next, 'http://officina.invalid');
  } catch {
    return fallback;
  }
  if (url.origin !== 'http://officina.invalid' || !/^\/(en\/)?console(\/|$)/.test(url.pathname)) return fallback;
  return url.pathname + url.search;
}

/** The sign-in page, with the address to come back to. */
export function signInUrl(event: ConsoleEvent, extra: Record<string, string> = {}): string {
  // After a form post the address to come back to is the page, not its action (?/name).
  const back = event.request.method === 'GET' ? event.url.pathname + event.url.search : event.url.pathname;
  const q = new URLSearchParams({ next: back, ...extra });
  return `${href(pagePath.console.signIn(), event.locals.locale)}?${q}`;
}

const csrfOf = new WeakMap<ConsoleEvent, Promise<string>>();

function baseHeaders(event: ConsoleEvent): Record<string, string> {
  const locale = event.locals.locale;
  const name = signInCookie();
  const session = event.cookies.get(name);
  return {
    accept: 'application/json',
    'accept-language': locale,
    cookie: `officina_lang=${locale}${session ? `; ${name}=${session}` : ''}`,
    // Trusted from loopback only: the sign-in throttle sees the person, not us.
    'x-forwarded-for': event.getClientAddress(),
  };
}

function parse(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return text;
  }
}

function apiError(status: number, json: unknown): ApiError {
  const e = (json && typeof json === 'object' ? json : {}) as { code?: string; message?: string; fields?: { field: string; message: string }[] };
  return new ApiError(status, e.code ?? 'unknown_error', e.message ?? `HTTP ${status}`, e.fields ?? []);
}

export function consoleApi(event: ConsoleEvent) {
  function toSignIn(code: string): never {
    event.cookies.delete(signInCookie(), { path: '/' });
    redirect(303, signInUrl(event, code === 'session_expired' ? { scaduta: '1' } : {}));
  }

  async function raw(method: Method, path: string, body?: unknown) {
    const headers = baseHeaders(event);
    if (method !== 'GET') headers['x-csrf-token'] = await csrf();
    let payload: string | Buffer | undefined;
    if (body instanceof FormData) {
      // A file upload goes on as multipart, encoded the way fetch would (boundary included).
      const encoded = new Request('http://officina.invalid/', { method: 'POST', body });
      headers['content-type'] = encoded.headers.get('content-type') ?? 'multipart/form-data';
      payload = Buffer.from(await encoded.arrayBuffer());
    } else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await send(method, path, headers, payload);
    const json = parse(res.text);
    if (res.status === 401) toSignIn((json as { code?: string } | null)?.code ?? '');
    if (res.status >= 400) throw apiError(res.status, json);
    return json;
  }

  function csrf(): Promise<string> {
    let p = csrfOf.get(event);
    if (!p) {
      p = raw('GET', '/api/auth/me').then((me) => (me as Me).csrfToken);
      csrfOf.set(event, p);
    }
    return p;
  }

  return {
    get: <T>(path: string) => raw('GET', path) as Promise<T>,
    /** `body`: JSON, or a FormData sent on as multipart (material uploads). */
    post: <T>(path: string, body?: unknown) => raw('POST', path, body) as Promise<T>,
    put: <T>(path: string, body?: unknown) => raw('PUT', path, body) as Promise<T>,
    patch: <T>(path: string, body?: unknown) => raw('PATCH', path, body) as Promise<T>,
    del: <T>(path: string) => raw('DELETE', path) as Promise<T>,
    /** For a page that calls the API from the browser itself (large uploads stream past SvelteKit). */
    csrfToken: csrf,
    /** For load functions: 404 and 403 become the console's error page. */
    async load<T>(path: string): Promise<T> {
      try {
        return (await raw('GET', path)) as T;
      } catch (e) {
        pageError(e);
      }
    },
  };
}

/** An API error as the console's error page (unknown objects and someone else's cycles look alike). */
export function pageError(e: unknown): never {
  if (e instanceof ApiError && (e.status === 404 || e.status === 403)) {
    error(e.status, { code: e.status === 404 ? 'not_found' : 'forbidden', message: e.message });
  }
  throw e;
}

/** POST /api/auth/login, then the sign-in cookie the API chose is handed to the browser as-is. */
export async function signIn(event: ConsoleEvent, email: string, password: string): Promise<Me> {
  const headers = { ...baseHeaders(event), 'content-type': 'application/json' };
  const res = await send('POST', '/api/auth/login', headers, JSON.stringify({ email, password }));
  const json = parse(res.text);
  if (res.status !== 200) throw apiError(res.status, json);
  const lines = ([] as unknown[]).concat(res.headers['set-cookie'] ?? []).map(String);
  const name = signInCookie();
  const line = lines.find((l) => l.startsWith(`${name}=`));
  if (!line) throw new ApiError(500, 'no_session', m.console_error_generic());
  const [pair, ...attrs] = line.split(';').map((s) => s.trim());
  const value = decodeURIComponent(pair!.slice(name.length + 1));
  const maxAge = Number(attrs.find((a) => /^max-age=/i.test(a))?.split('=')[1] ?? NaN);
  event.cookies.set(name, value, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: attrs.some((a) => a.toLowerCase() === 'secure'),
    ...(Number.isFinite(maxAge) ? { maxAge } : {}),
  });
  return json as Me;
}

/** POST /api/auth/logout (the sign-in ends server-side), and the cookie goes. */
export async function signOut(event: ConsoleEvent): Promise<void> {
  if (event.cookies.get(signInCookie())) {
    try {
      await consoleApi(event).post('/api/auth/logout');
    } catch (e) {
      // Already dead server-side (expired): nothing left to end. Anything else is a real problem.
      if (!(e instanceof ApiError) || e.status >= 500) throw e;
    }
  }
  event.cookies.delete(signInCookie(), { path: '/' });
}

/** The signed-in account, or null (no redirect): for the sign-in page itself. */
export async function currentAccount(event: ConsoleEvent): Promise<Me['account'] | null> {
  if (!event.cookies.get(signInCookie())) return null;
  const res = await send('GET', '/api/auth/me', baseHeaders(event));
  if (res.status !== 200) return null;
  return (parse(res.text) as Me).account;
}
