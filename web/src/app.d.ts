// Types shared by the pages: the error shape, what hooks put in locals, a page's full-screen flag, and the in-process bridge that
// server/plugins/web.plugin.ts publishes (the two declarations are held identical by $lib/api/facade.check.ts).
import type { Locale } from '$lib/paraglide/runtime.js';
import type { Cycle, CycleDetail, Theme } from '$lib/types';

declare global {
  /** What a facade read answers: the route's value, or the route's error body with its status. */
  type OfficinaBridgeResult<T> =
    { ok: true; value: T } | { ok: false; status: number; code: string; message: string; fields?: { field: string; message: string }[]; reason?: string };

  namespace App {
    interface Error {
      message: string;
      /** A machine code from the API (not_found, registration_closed, ...) or one of ours. */
      code?: string;
      /** wrong_origin: the same page on the site's own address. */
      to?: string;
    }
    interface PageData {
      /** A page alone on a screen (the projector's code): the root layout leaves out header and footer. */
      fullScreen?: boolean;
    }
    interface Locals {
      locale: Locale;
      /** Set when a form post came from another address and was refused (hooks.server.ts). */
      refusedForm?: import('$lib/server/form-origin').RefusedForm;
    }
  }

  var __officinaWeb:
    | {
        inject(request: {
          method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
          url: string;
          headers: Record<string, string>;
          payload?: string;
        }): Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }>;
        /** The public reads, in-process through the server's read cache (server/plugins/web.facade.ts). */
        services: {
          cycles: {
            list(query: { when?: string; theme?: string }, locale: Locale): Promise<OfficinaBridgeResult<{ items: Cycle[] }>>;
            get(slug: string, locale: Locale): Promise<OfficinaBridgeResult<CycleDetail>>;
            themes(locale: Locale): Promise<OfficinaBridgeResult<{ items: Theme[] }>>;
          };
        };
        config: {
          publicUrl: string;
          timezone: string;
          privacyVersion: string;
          signInCookie: string;
          programmeContact: { name: string; email: string; phone: string | null } | null;
        };
        /** The server's pino logger (server/plugins/web.plugin.ts). */
        log: { error(fields: object, message: string): void };
      }
    | undefined;
}

export {};
