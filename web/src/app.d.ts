// Types shared by the pages: the error shape, what hooks put in locals, and the in-process bridge that
// server/plugins/web.plugin.ts publishes (keep the two declarations in step).
import type { Locale } from '$lib/paraglide/runtime.js';

declare global {
  namespace App {
    interface Error {
      message: string;
      /** A machine code from the API (not_found, registration_closed, ...) or one of ours. */
      code?: string;
    }
    interface Locals {
      locale: Locale;
    }
  }

  // eslint-disable-next-line no-var
  var __officinaWeb:
    | {
        inject(request: {
          method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
          url: string;
          headers: Record<string, string>;
          payload?: string;
        }): Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }>;
        config: { publicUrl: string; timezone: string; privacyVersion: string; sessionCookie: string };
      }
    | undefined;
}

export {};
