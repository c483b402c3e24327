// The catalogue page (`/` and `/en`, with their filters) served from the read cache as rendered HTML.
//
// Why: profiling GET / showed the data already came from the read cache (web.facade.ts) and the cost
// was SvelteKit's server rendering itself, a few milliseconds of one core per visit; the catalogue is
// what a crowd reloads while a popular cycle opens. The page is the same for everyone who asks the same
// thing, so it is rendered once per key and the bytes are replayed until the read cache drops them: at
// most 1 s old (the TTL every public read has, so seat counts and open/closed states stay that fresh)
// and dropped at once by any write to a cycle, in any process (the cache's invalidations).
//
// Correct for whoever asks, because the render only sees what its key holds:
// - the key is the address (path and query) and the request headers the page's hooks read: the
//   language cookie (web/src/hooks.server.ts redirects a plain address to its English twin with it)
//   and what tells a document request apart (Sec-Fetch-Dest, Accept); the render is made from a request
//   carrying those and nothing else;
// - a request with any other cookie (an organiser's session) or `?lang=` (which sets a cookie) is
//   rendered for itself, as before; so is HEAD, and every other page;
// - only a 200 with an ETag, no Set-Cookie and a Content-Security-Policy without a nonce (a nonce must
//   never be sent twice; the catalogue ships no script, so SvelteKit uses none) is kept; anything else
//   is answered to the requests that shared its render and not kept;
// - If-None-Match is answered 304 as SvelteKit answers it (the same headers kept).
import { IncomingMessage, ServerResponse, type IncomingHttpHeaders } from 'node:http';
import { Socket } from 'node:net';
import { EVERY_CYCLE, type ReadCache } from '../modules/cache/cache.service.ts';

/** The catalogue in each language: the pages whose rendering the cache keeps. */
const CACHED_PATHS = new Set(['/', '/en']);
const LANG_COOKIE = 'officina_lang';
/** Set by Node for each answer, or about the connection: never replayed from a kept page. */
const NOT_KEPT = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);
/** What a 304 carries besides the ETag (RFC 9110 §15.4.5, as SvelteKit's own 304). */
const NOT_MODIFIED_HEADERS = ['cache-control', 'content-location', 'expires', 'vary'];

export interface RenderedPage {
  status: number;
  headers: [string, string | string[]][];
  body: Buffer;
  /** Whether the cache may keep it (see above). */
  keep: boolean;
}

type NodeHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** An answer that must not be kept, handed to every request that shared its render. */
class NotKept extends Error {
  readonly page: RenderedPage;
  constructor(page: RenderedPage) {
    super('page not kept');
    this.page = page;
  }
}

function header(headers: IncomingHttpHeaders, name: string): string {
  const v = headers[name];
  return Array.isArray(v) ? v.join(', ') : (v ?? '');
}

/** The language cookie's value ('' without one), or null when the request carries any other cookie. */
function langCookieOnly(cookieHeader: string): string | null {
  let lang = '';
  for (const part of cookieHeader.split(';')) {
    const trimmed = part.trim();
    if (!trimmed) continue;
    const eq = trimmed.indexOf('=');
    const name = eq < 0 ? trimmed : trimmed.slice(0, eq);
    if (name !== LANG_COOKIE) return null;
    lang = trimmed.slice(eq + 1);
  }
  return lang;
}

export interface PageRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/** The request, reduced to what the kept render may depend on; null when it must render for itself. */
export function pageKey(req: PageRequest): { key: string; headers: Record<string, string> } | null {
  if (req.method !== 'GET') return null;
  const q = req.url.indexOf('?');
  const pathname = q < 0 ? req.url : req.url.slice(0, q);
  if (!CACHED_PATHS.has(pathname)) return null;
  if (q >= 0 && new URLSearchParams(req.url.slice(q + 1)).has('lang')) return null;
  const lang = langCookieOnly(header(req.headers, 'cookie'));
  if (lang === null) return null;
  const dest = header(req.headers, 'sec-fetch-dest');
  const html = header(req.headers, 'accept').includes('text/html');
  const headers: Record<string, string> = { accept: html ? 'text/html' : '*/*' };
  if (dest) headers['sec-fetch-dest'] = dest;
  if (lang) headers.cookie = `${LANG_COOKIE}=${lang}`;
  return { key: `page:${req.url}|${lang}|${dest}|${html ? 'html' : ''}`, headers };
}

/** Runs the SvelteKit handler on a request made of `headers` only, collecting the answer. */
function renderDetached(handler: NodeHandler, url: string, headers: Record<string, string>): Promise<RenderedPage> {
  const req = new IncomingMessage(new Socket());
  req.method = 'GET';
  req.url = url;
  req.headers = headers;
  req.httpVersion = '1.1';
  req.httpVersionMajor = 1;
  req.httpVersionMinor = 1;
  req.push(null);
  const res = new ServerResponse(req);
  const chunks: Buffer[] = [];
  return new Promise<RenderedPage>((resolve, reject) => {
    const finish = () => {
      const kept = Object.entries(res.getHeaders())
        .filter(([name]) => !NOT_KEPT.has(name))
        .map(([name, value]): [string, string | string[]] => [name, Array.isArray(value) ? value : String(value)]);
      const csp = String(res.getHeader('content-security-policy') ?? '');
      const keep = res.statusCode === 200 && res.hasHeader('etag') && !res.hasHeader('set-cookie') && !csp.includes("'nonce-");
      resolve({ status: res.statusCode, headers: kept, body: Buffer.concat(chunks), keep });
    };
    const collect = (chunk: unknown) => {
      if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') chunks.push(Buffer.from(chunk as string | Uint8Array));
    };
    res.writeHead = ((status: number, ...rest: unknown[]) => {
      res.statusCode = status;
      const given = rest.find((r) => r !== null && typeof r === 'object') as Record<string, string | string[]> | undefined;
      for (const [name, value] of Object.entries(given ?? {})) res.setHeader(name, value);
      return res;
    }) as typeof res.writeHead;
    res.write = ((chunk: unknown) => {
      collect(chunk);
      return true;
    }) as typeof res.write;
    res.end = ((chunk?: unknown) => {
      collect(chunk);
      finish();
      return res;
    }) as typeof res.end;
    try {
      handler(req, res, () => {
        res.statusCode = 404;
        finish();
      });
    } catch (err) {
      reject(err);
    }
  });
}

function send(res: ServerResponse, page: RenderedPage, ifNoneMatch: string): void {
  const etag = page.headers.find(([name]) => name === 'etag')?.[1];
  const asked = ifNoneMatch.startsWith('W/"') ? ifNoneMatch.slice(2) : ifNoneMatch;
  if (page.status === 200 && etag !== undefined && asked === etag) {
    res.setHeader('etag', etag);
    for (const [name, value] of page.headers) if (NOT_MODIFIED_HEADERS.includes(name)) res.setHeader(name, value);
    res.writeHead(304);
    res.end();
    return;
  }
  for (const [name, value] of page.headers) res.setHeader(name, value);
  res.writeHead(page.status);
  res.end(page.body);
}

export function pageCache(deps: { cache: ReadCache; handler: NodeHandler }) {
  return {
    pageKey,
    /**
     * Answers `res` from the kept render of `key` (rendering it once for everyone who asks meanwhile).
     * Resolves false when nothing was written and the caller should let SvelteKit answer (a failed render).
     */
    async serve(key: NonNullable<ReturnType<typeof pageKey>>, url: string, ifNoneMatch: string, res: ServerResponse): Promise<boolean> {
      let page: RenderedPage;
      try {
        page = await deps.cache.get(
          key.key,
          async () => {
            const rendered = await renderDetached(deps.handler, url, key.headers);
            if (!rendered.keep) throw new NotKept(rendered);
            return rendered;
          },
          () => EVERY_CYCLE,
        );
      } catch (err) {
        if (!(err instanceof NotKept)) return false;
        page = err.page;
      }
      if (res.destroyed) return true;
      send(res, page, ifNoneMatch);
      return true;
    },
  };
}
