// The one error handler: every 4xx/5xx leaves as { statusCode, code, message } (docs/http-api.md), messages in
// the request's language, and a 5xx never shows its real message (it is logged instead).
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isDatabaseUnavailable } from '../lib/db-faults.ts';
import { AppError, type Localized } from '../lib/errors.ts';
import { requestLocale } from '../lib/locale.ts';

interface FieldProblem {
  field: string;
  message: string;
}

const FASTIFY_CODES: Record<string, { status: number; code: string; text: Localized }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'unsupported_media_type',
    text: { it: 'Formato della richiesta non supportato: usa application/json.', en: 'Unsupported request format: use application/json.' },
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: 'validation_error',
    text: { it: 'Il corpo della richiesta è vuoto.', en: 'The request body is empty.' },
  },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    code: 'invalid_json',
    text: { it: 'Il corpo della richiesta non è JSON valido.', en: 'The request body is not valid JSON.' },
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: 'payload_too_large',
    text: { it: 'La richiesta è troppo grande.', en: 'The request is too large.' },
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: 'bad_request',
    text: { it: 'Lunghezza della richiesta non valida.', en: 'Invalid request length.' },
  },
};

interface Issue {
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/**
 * zod writes its messages in English; the person reading them may not. The common issue kinds get a
 * short text in the request's language; anything rarer keeps zod's wording.
 */
function fieldMessage(v: Issue, locale: 'it' | 'en'): string {
  const p = v.params;
  const say = (it: string, en: string) => (locale === 'it' ? it : en);
  switch (v.keyword) {
    case 'invalid_type':
      if (/received undefined/.test(v.message ?? '')) return say('obbligatorio', 'required');
      return say(`tipo non valido (atteso ${String(p.expected)})`, `wrong type (expected ${String(p.expected)})`);
    case 'too_small':
      if (p.origin === 'string' && Number(p.minimum) <= 1) return say('obbligatorio', 'required');
      return say(`troppo corto (minimo ${String(p.minimum)})`, `too short (at least ${String(p.minimum)})`);
    case 'too_big':
      return p.origin === 'string'
        ? say(`troppo lungo (massimo ${String(p.maximum)} caratteri)`, `too long (at most ${String(p.maximum)} characters)`)
        : say(`troppo grande (massimo ${String(p.maximum)})`, `too large (at most ${String(p.maximum)})`);
    case 'invalid_format':
      if (p.format === 'email') return say('indirizzo email non valido', 'not a valid email address');
      // A schema's own hint (e.g. how a slug is written) says more than any generic text.
      if (p.format === 'regex' && v.message && !v.message.startsWith('Invalid')) return v.message;
      if (p.format === 'regex') return say('contiene caratteri non ammessi', 'contains characters that are not allowed');
      return say('formato non valido', 'invalid format');
    case 'invalid_value': {
      const values = Array.isArray(p.values) ? p.values.map((x) => JSON.stringify(x)) : [];
      if (values.length === 1 && values[0] === 'true') return say('deve essere true (accettazione obbligatoria)', 'must be true (acceptance required)');
      return say(`valore non ammesso (ammessi: ${values.join(', ')})`, `value not allowed (allowed: ${values.join(', ')})`);
    }
    default:
      return v.message ?? say('non valido', 'invalid');
  }
}

function describeFields(fields: FieldProblem[], locale: 'it' | 'en'): string {
  const list = fields.map((f) => `${f.field} (${f.message})`).join('; ');
  return locale === 'it' ? `Dati non validi. Controlla: ${list}.` : `Invalid data. Check: ${list}.`;
}

export function sendError(reply: FastifyReply, req: FastifyRequest, status: number, code: string, text: Localized, extra: Record<string, unknown> = {}) {
  const locale = requestLocale(req);
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send({ statusCode: status, code, message: text[locale], ...extra });
}

/**
 * Fastify option `frameworkErrors`: errors the router raises before any route or error handler runs.
 * Without it a URL with broken percent-encoding (`/api/registrations/%ZZ`) or a path segment over
 * maxParamLength answers Fastify's own body (400/414, code FST_ERR_*), outside the contract. Such a URL
 * names no resource, and docs/http-api.md wants any malformed token answered like an unknown one: 404.
 */
export function frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (err.code === 'FST_ERR_BAD_URL' || err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return sendError(reply, req, 404, 'not_found', { it: 'Nessuna risorsa a questo indirizzo.', en: 'Nothing at this address.' });
  }
  return sendError(reply, req, 400, 'bad_request', { it: 'Richiesta non valida.', en: 'Bad request.' });
}

export default fp(
  async (app) => {
    app.setErrorHandler((err: FastifyError, req, reply) => {
      const locale = requestLocale(req);
      if (err instanceof AppError) {
        if (err.retryAfterSeconds !== undefined) reply.header('retry-after', String(err.retryAfterSeconds));
        return sendError(reply, req, err.statusCode, err.code, err.text, err.details ?? {});
      }
      if (hasZodFastifySchemaValidationErrors(err)) {
        const where = err.validationContext ?? 'body';
        const fields: FieldProblem[] = err.validation.map((v) => {
          const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
          return { field: path || where, message: fieldMessage(v, locale) };
        });
        return reply.code(400).send({
          statusCode: 400,
          code: 'validation_error',
          message: describeFields(fields, locale),
          fields,
        });
      }
      const known = err.code ? FASTIFY_CODES[err.code] : undefined;
      if (known) return sendError(reply, req, known.status, known.code, known.text);
      const status = err.statusCode ?? 500;
      if (status >= 400 && status < 500) {
        if (status === 429) {
          return sendError(reply, req, 429, 'rate_limited', {
            it: 'Troppe richieste: riprova tra poco.',
            en: 'Too many requests: try again shortly.',
          });
        }
        return sendError(reply, req, status, 'bad_request', { it: 'Richiesta non valida.', en: 'Bad request.' });
      }
      if (isDatabaseUnavailable(err)) {
        req.log.warn({ err }, 'database unavailable');
        reply.header('retry-after', '5');
        return sendError(reply, req, 503, 'service_unavailable', {
          it: 'Il servizio è momentaneamente non disponibile o sovraccarico. Riprova tra qualche secondo.',
          en: 'The service is briefly unavailable or overloaded. Please try again in a few seconds.',
        });
      }
      req.log.error({ err }, 'unhandled error');
      return sendError(reply, req, status >= 500 ? status : 500, 'internal_error', {
        it: 'Si è verificato un errore interno. Riprova tra qualche minuto.',
        en: 'An internal error occurred. Please try again in a few minutes.',
      });
    });

    app.setNotFoundHandler((req, reply) =>
      sendError(reply, req, 404, 'not_found', {
        it: `Nessuna risorsa a questo indirizzo (${req.method} ${req.url.split('?')[0]}).`,
        en: `Nothing at this address (${req.method} ${req.url.split('?')[0]}).`,
      }),
    );
  },
  { name: 'errors' },
);
