// The one error handler: every 4xx/5xx leaves as { statusCode, code, message } (API.md), messages in
// the request's language, and a 5xx never shows its real message (it is logged instead).
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
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

function describeFields(fields: FieldProblem[], locale: 'it' | 'en'): string {
  const list = fields.map((f) => `${f.field} (${f.message})`).join('; ');
  return locale === 'it' ? `Dati non validi. Controlla: ${list}.` : `Invalid data. Check: ${list}.`;
}

export function sendError(
  reply: FastifyReply,
  req: FastifyRequest,
  status: number,
  code: string,
  text: Localized,
  extra: Record<string, unknown> = {},
) {
  const locale = requestLocale(req);
  return reply.code(status).type('application/json; charset=utf-8').send({ statusCode: status, code, message: text[locale], ...extra });
}

export default fp(
  async (app) => {
    app.setErrorHandler((err: FastifyError, req, reply) => {
      const locale = requestLocale(req);
      if (err instanceof AppError) {
        return sendError(reply, req, err.statusCode, err.code, err.text, err.details ?? {});
      }
      if (hasZodFastifySchemaValidationErrors(err)) {
        const where = err.validationContext ?? 'body';
        const fields: FieldProblem[] = err.validation.map((v) => {
          const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
          const missing = v.keyword === 'invalid_type' && /received undefined/.test(v.message ?? '');
          const message = missing ? (locale === 'it' ? 'obbligatorio' : 'required') : (v.message ?? 'invalid');
          return { field: path || where, message };
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
