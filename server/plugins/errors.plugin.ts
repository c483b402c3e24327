// The one error handler: every 4xx/5xx leaves as { statusCode, code, message } (docs/http-api.md), messages in
// the request's language, and a 5xx never shows its real message (it is logged instead).
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isDatabaseUnavailable } from '../lib/db-faults.ts';
import { AppError } from '../lib/errors.ts';
import { msg, t, text, type Locale, type Message, type MessageKey } from '../lib/i18n.ts';
import { requestLocale } from '../lib/locale.ts';

interface FieldProblem {
  field: string;
  message: string;
}

const FASTIFY_CODES: Record<string, { status: number; code: string; text: MessageKey }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type', text: 'error_unsupported_media_type' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'validation_error', text: 'error_empty_body' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid_json', text: 'error_invalid_json' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'payload_too_large', text: 'error_payload_too_large' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'bad_request', text: 'error_invalid_content_length' },
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
function fieldMessage(v: Issue, locale: Locale): string {
  const p = v.params;
  switch (v.keyword) {
    case 'invalid_type':
      if (/received undefined/.test(v.message ?? '')) return t(locale, 'field_required');
      return t(locale, 'field_wrong_type', { expected: String(p.expected) });
    case 'too_small':
      if (p.origin === 'string' && Number(p.minimum) <= 1) return t(locale, 'field_required');
      return t(locale, 'field_too_short', { minimum: String(p.minimum) });
    case 'too_big':
      return t(locale, p.origin === 'string' ? 'field_too_long' : 'field_too_large', { maximum: String(p.maximum) });
    case 'invalid_format':
      if (p.format === 'email') return t(locale, 'field_invalid_email');
      // A schema's own hint (e.g. how a slug is written) says more than any generic text.
      if (p.format === 'regex' && v.message && !v.message.startsWith('Invalid')) return v.message;
      if (p.format === 'regex') return t(locale, 'field_invalid_characters');
      return t(locale, 'field_invalid_format');
    case 'invalid_value': {
      const values = Array.isArray(p.values) ? p.values.map((x) => JSON.stringify(x)) : [];
      if (values.length === 1 && values[0] === 'true') return t(locale, 'field_must_be_true');
      return t(locale, 'field_value_not_allowed', { values: values.join(', ') });
    }
    default:
      return v.message ?? t(locale, 'field_invalid');
  }
}

function describeFields(fields: FieldProblem[], locale: Locale): string {
  return t(locale, 'error_invalid_data', { list: fields.map((f) => `${f.field} (${f.message})`).join('; ') });
}

export function sendError(reply: FastifyReply, req: FastifyRequest, status: number, code: string, message: Message, extra: Record<string, unknown> = {}) {
  const locale = requestLocale(req);
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send({ statusCode: status, code, message: text(locale, message), ...extra });
}

/**
 * Fastify option `frameworkErrors`: errors the router raises before any route or error handler runs.
 * Without it a URL with broken percent-encoding (`/api/registrations/%ZZ`) or a path segment over
 * maxParamLength answers Fastify's own body (400/414, code FST_ERR_*), outside the contract. Such a URL
 * names no resource, and docs/http-api.md wants any malformed token answered like an unknown one: 404.
 */
export function frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (err.code === 'FST_ERR_BAD_URL' || err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return sendError(reply, req, 404, 'not_found', msg('error_bad_url'));
  }
  return sendError(reply, req, 400, 'bad_request', msg('error_bad_request'));
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
      if (known) return sendError(reply, req, known.status, known.code, msg(known.text));
      const status = err.statusCode ?? 500;
      if (status >= 400 && status < 500) {
        if (status === 429) {
          return sendError(reply, req, 429, 'rate_limited', msg('error_too_many_requests'));
        }
        return sendError(reply, req, status, 'bad_request', msg('error_bad_request'));
      }
      if (isDatabaseUnavailable(err)) {
        req.log.warn({ err }, 'database unavailable');
        reply.header('retry-after', '5');
        return sendError(reply, req, 503, 'service_unavailable', msg('error_database_unavailable'));
      }
      req.log.error({ err }, 'unhandled error');
      return sendError(reply, req, status >= 500 ? status : 500, 'internal_error', msg('error_internal'));
    });

    app.setNotFoundHandler((req, reply) =>
      sendError(reply, req, 404, 'not_found', msg('error_no_route', { method: req.method, path: req.url.split('?')[0]! })),
    );
  },
  { name: 'errors' },
);
