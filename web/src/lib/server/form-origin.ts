// Form posts that come from another address than the site's own (PUBLIC_URL, which adapter-node makes
// every request's url.origin) are refused, as SvelteKit's own check would refuse them — svelte.config.js
// turns that one off — but with a message that says what to do. The common case: someone opened
// http://127.0.0.1:3000 while the service answers as http://localhost:3000, and SvelteKit's bare 403
// made the button do nothing at all.
import { m } from '$lib/paraglide/messages.js';

/** The content types a browser form can send (what SvelteKit's check looks at). */
const FORM_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface RefusedForm {
  /** The address the page was opened from ("null" when the browser sent no Origin). */
  from: string;
  /** The same page on the site's own address. */
  to: string;
}

/** Null when the request may go on; otherwise where it came from and where the page really is. */
export function refusedForm(request: Request, url: URL): RefusedForm | null {
  if (!WRITES.has(request.method)) return null;
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (!FORM_TYPES.has(type)) return null;
  const origin = request.headers.get('origin');
  if (origin === url.origin) return null;
  return { from: origin ?? 'null', to: url.origin + url.pathname + url.search };
}

/** The refusal's words, in the request's language. */
export function refusedFormMessage(refused: RefusedForm): string {
  return m.form_refused_text({ from: refused.from, to: new URL(refused.to).origin });
}

/**
 * For a form sent by the page's script (use:enhance): an action result of type "error", which SvelteKit
 * shows as the error page with this message and a link to the right address.
 */
export function refusedActionResponse(refused: RefusedForm): Response {
  const error = { code: 'wrong_origin', message: refusedFormMessage(refused), to: refused.to };
  return new Response(JSON.stringify({ type: 'error', error }), {
    status: 403,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  });
}

/** The same address asked with GET: the page is shown again, with the refusal above it. */
export function asPageRequest(request: Request): Request {
  const headers = new Headers(request.headers);
  for (const h of ['content-type', 'content-length', 'transfer-encoding']) headers.delete(h);
  return new Request(request.url, { method: 'GET', headers });
}
