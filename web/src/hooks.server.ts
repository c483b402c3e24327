// Language of each request, headers every page gets, and the last-resort error message.
//
// The address decides the language of a page (/en/... English, else Italian), so every address is
// stable and can be shared. The language switch links carry ?lang=xx: that choice is stored in the
// officina_lang cookie and the person lands on the clean address. Opening a plain (Italian) address
// with officina_lang=en - a link from an email, a bookmark - goes to its English twin.
import type { Handle, HandleServerError } from '@sveltejs/kit';
import { paraglideMiddleware } from '$lib/paraglide/server.js';
import { LANG_COOKIE, LANG_COOKIE_MAX_AGE, isLocale, localeOfPath, samePageIn } from '$lib/i18n';
import { m } from '$lib/paraglide/messages.js';
import { asPageRequest, refusedActionResponse, refusedForm } from '$lib/server/form-origin';
import { redactUrl } from '../../server/lib/log-redact';

function isDocumentRequest(request: Request, url: URL): boolean {
  if (url.pathname.endsWith('/__data.json')) return false;
  const dest = request.headers.get('sec-fetch-dest');
  if (dest) return dest === 'document';
  return (request.headers.get('accept') ?? '').includes('text/html');
}

function redirectTo(location: string, status: 303 | 307) {
  return new Response(null, { status, headers: { location, 'cache-control': 'no-store' } });
}

/** Written by hand: cookies.set() is not applied to a Response that handle() builds itself. */
function langCookie(locale: string, secure: boolean): string {
  return `${LANG_COOKIE}=${locale}; Path=/; Max-Age=${LANG_COOKIE_MAX_AGE}; SameSite=Lax; HttpOnly${secure ? '; Secure' : ''}`;
}

export const handle: Handle = async ({ event, resolve }) => {
  const { url, request, cookies } = event;
  const pathLocale = localeOfPath(url.pathname);

  if (request.method === 'GET' || request.method === 'HEAD') {
    const asked = url.searchParams.get('lang');
    if (isLocale(asked)) {
      const response = redirectTo(samePageIn(url, asked), 303);
      response.headers.append('set-cookie', langCookie(asked, url.protocol === 'https:'));
      return response;
    }
    if (pathLocale === 'it' && cookies.get(LANG_COOKIE) === 'en' && isDocumentRequest(request, url)) {
      const response = redirectTo(samePageIn(url, 'en'), 307);
      response.headers.set('vary', 'cookie');
      return response;
    }
  }

  return paraglideMiddleware(request, ({ request: delocalized, locale }) => {
    event.request = delocalized;
    event.locals.locale = locale;
    const render = () => resolve(event, { transformPageChunk: ({ html }) => html.replace('%paraglide.lang%', locale) });
    const refused = refusedForm(delocalized, url);
    if (!refused) return render();
    // A form from another address: never run the action. The page's script gets an error result it
    // shows; a plain form post gets the same page again (as a GET) with the refusal above it.
    if (delocalized.headers.get('x-sveltekit-action') === 'true') return refusedActionResponse(refused);
    event.locals.refusedForm = refused;
    event.request = asPageRequest(delocalized);
    return Promise.resolve(render()).then((page) => new Response(page.body, { status: 403, headers: page.headers }));
  }).then((response) => {
    try {
      response.headers.set('x-content-type-options', 'nosniff');
      if (!response.headers.has('referrer-policy')) response.headers.set('referrer-policy', 'strict-origin-when-cross-origin');
    } catch {
      // Some responses (e.g. proxied ones) have immutable headers; they are not pages.
    }
    return response;
  });
};

export const handleError: HandleServerError = ({ error, event, status }) => {
  // The path may hold a participant's secret token: it is logged redacted, as the request log does. The
  // pages only ever run mounted by server/plugins/web.plugin.ts, which sets the bridge before loading them.
  if (status >= 500) globalThis.__officinaWeb?.log.error({ err: error, path: redactUrl(event.url.pathname) }, 'web: unexpected error');
  return { message: m.error_unexpected_text(), code: status === 404 ? 'not_found' : 'internal_error' };
};
