// Secret links must not end up in the logs: whoever reads a log file (an operator, a log shipper, a
// backup of it) would otherwise hold every participant's manage link and private feed. The request log
// therefore shows a token-bearing path segment or query value as `:token~<8 hex>`: the 8 hex are a
// keyed-free SHA-256 prefix of the token, enough to correlate the lines of one visitor, useless to open
// the link (32 bits of a 256-bit token, and not the hash the database stores: it is salted "log:").
import { createHash } from 'node:crypto';

/** Base64url runs as long as our tokens (43 characters) or longer: never logged, whatever the route. */
const TOKEN_LIKE = /^[A-Za-z0-9_-]{32,}$/;
/** Record ids are not secrets, and a log without them can't be followed. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isTokenLike = (text: string) => TOKEN_LIKE.test(text) && !UUID.test(text);
/** Segments that follow these are credentials even when short (a certificate's 12-character code). */
const SECRET_AFTER = new Set(['iscrizione', 'registrations', 'verifica', 'verify', 'certificates', 'dati', 'personal-data']);
/** Query parameters that carry a token or a code. */
const SECRET_PARAMS = new Set(['t', 'token', 'code']);
const FILE_SUFFIX = /\.(ics|pdf|png|svg|json)$/;

function mark(secret: string): string {
  return `:token~${createHash('sha256').update(`log:${secret}`).digest('hex').slice(0, 8)}`;
}

function redactSegment(segment: string, previous: string | undefined): string {
  const suffix = FILE_SUFFIX.exec(segment)?.[0] ?? '';
  const bare = suffix ? segment.slice(0, -suffix.length) : segment;
  if (bare === '') return segment;
  if (isTokenLike(bare) || (previous !== undefined && SECRET_AFTER.has(previous))) return mark(bare) + suffix;
  return segment;
}

/** The URL as the log may show it: path and query with every secret replaced. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const segments = path.split('/');
  const redactedPath = segments.map((s, i) => redactSegment(s, i > 0 ? segments[i - 1] : undefined)).join('/');
  if (q === -1) return redactedPath;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq === -1) return pair;
      const key = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      return SECRET_PARAMS.has(key) || isTokenLike(value) ? `${key}=${mark(value)}` : pair;
    })
    .join('&');
  return `${redactedPath}?${query}`;
}

/** Pino serializers for Fastify's request log: Fastify's own fields, with the URL redacted. */
export const redactingSerializers = {
  req(req: { method: string; url: string; host?: string; hostname?: string; ip?: string; socket?: { remotePort?: number } }) {
    return {
      method: req.method,
      url: redactUrl(req.url),
      host: req.host ?? req.hostname,
      remoteAddress: req.ip,
      remotePort: req.socket?.remotePort,
    };
  },
};
