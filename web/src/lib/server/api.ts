// The pages' only way to data: the public HTTP API (docs/http-api.md), called in-process through the Fastify
// app that mounts us (server/plugins/web.plugin.ts publishes `app.inject` on globalThis.__officinaWeb),
// or over HTTP to PUBLIC_URL when the pages run without it (`vite dev` next to `npm run dev`).
// The public reads (catalogue, a cycle, the themes) skip the HTTP round trip in-process: the bridge's
// typed facade answers what the route would, from the server's read cache.
// The request's language is forwarded, so API messages come back in the page's language.
import { env } from '$env/dynamic/private';
import type { Locale } from '$lib/paraglide/runtime.js';
import type { Cycle, CycleDetail, Theme } from '$lib/types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: { field: string; message: string }[] = [],
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiContext {
  locals: { locale: Locale };
  getClientAddress(): string;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

function fallbackBase(): string {
  return (env.PUBLIC_URL || `http://127.0.0.1:${env.PORT || 3000}`).replace(/\/+$/, '');
}

/** One request to the API, in-process when possible (also used by the console's client, server/console.ts). */
export async function send(method: Method, path: string, headers: Record<string, string>, payload?: string | Uint8Array) {
  const bridge = globalThis.__officinaWeb;
  if (bridge) {
    // app.inject takes bytes as well as text (a multipart upload from the console).
    const res = await bridge.inject({ method, url: path, headers, payload: payload as string | undefined });
    return { status: res.statusCode, text: res.body, headers: res.headers };
  }
  const res = await fetch(fallbackBase() + path, { method, headers, body: payload as BodyInit | undefined });
  const resHeaders: Record<string, unknown> = { ...Object.fromEntries(res.headers), 'set-cookie': res.headers.getSetCookie() };
  return { status: res.status, text: await res.text(), headers: resHeaders };
}

export function apiFor(ctx: ApiContext) {
  async function call<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const locale = ctx.locals.locale;
    const headers: Record<string, string> = {
      accept: 'application/json',
      'accept-language': locale,
      cookie: `officina_lang=${locale}`,
      // The API trusts X-Forwarded-For from loopback only: rate limits see the person, not us.
      'x-forwarded-for': ctx.getClientAddress(),
    };
    let payload: string | undefined;
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const { status, text } = await send(method, path, headers, payload);
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (status >= 400) {
      const e = (json ?? {}) as { code?: string; message?: string; fields?: { field: string; message: string }[]; reason?: string };
      throw new ApiError(status, e.code ?? 'unknown_error', e.message ?? `HTTP ${status}`, e.fields ?? [], e.reason);
    }
    return json as T;
  }

  type Facade = NonNullable<typeof globalThis.__officinaWeb>['services'];
  /** In-process through the facade when the app mounts us, else the same route over HTTP. */
  async function read<T>(path: string, viaFacade: (s: Facade) => Promise<OfficinaBridgeResult<T>>): Promise<T> {
    const services = globalThis.__officinaWeb?.services;
    if (!services) return call<T>('GET', path);
    const r = await viaFacade(services);
    if (r.ok) return r.value;
    throw new ApiError(r.status, r.code, r.message, r.fields ?? [], r.reason);
  }

  return {
    /** GET /api/cycles: the catalogue of one period, optionally of one theme. */
    catalogue(q: { when: string; theme?: string }) {
      const query = new URLSearchParams({ when: q.when });
      if (q.theme) query.set('theme', q.theme);
      return read<{ items: Cycle[] }>(`/api/cycles?${query}`, (s) => s.cycles.list(q, ctx.locals.locale));
    },
    /** GET /api/cycles/:slug */
    cycle: (slug: string) => read<CycleDetail>(`/api/cycles/${encodeURIComponent(slug)}`, (s) => s.cycles.get(slug, ctx.locals.locale)),
    /** GET /api/themes */
    themes: () => read<{ items: Theme[] }>('/api/themes', (s) => s.cycles.themes(ctx.locals.locale)),
    get: <T>(path: string) => call<T>('GET', path),
    post: <T>(path: string, body?: unknown) => call<T>('POST', path, body),
    delete: <T>(path: string) => call<T>('DELETE', path),
  };
}

/** Settings the pages show (time zone, privacy version), from the app that mounts us when present. */
export function siteConfig() {
  const c = globalThis.__officinaWeb?.config;
  return {
    timezone: c?.timezone ?? env.APP_TIMEZONE ?? 'Europe/Rome',
    privacyVersion: c?.privacyVersion ?? null,
    /** Under `vite dev` (no bridge) unknown: the console's cycle form then names none. */
    programmeContact: c?.programmeContact ?? null,
  };
}
