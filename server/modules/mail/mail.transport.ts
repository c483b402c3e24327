// Where messages go: a pooled SMTP transport (nodemailer) when SMTP_URL is set, otherwise the
// development outbox (an .eml file per message under DATA_DIR/mail, listed at /dev/mail). Also what a
// failure means: a 4xx reply or a network error is temporary (retry later), a 5xx reply is permanent.
import { createHash } from 'node:crypto';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { t } from '../../lib/i18n.ts';
import type { Draft } from './mail.compose.ts';
import { writeToOutbox } from './mail.outbox.ts';

export interface SendResult {
  response: string;
  messageId: string;
}

export interface MailTransport {
  readonly kind: 'smtp' | 'outbox';
  /** `signal`: abort the delivery (its connection is closed and the promise rejects). */
  send(message: SendMailOptions, opts?: { signal?: AbortSignal }): Promise<SendResult>;
  close(): Promise<void>;
}

/** nodemailer 10 takes `signal` per message and `close({ force })`; @types/nodemailer 8 does not know them yet. */
type AbortableMail = SendMailOptions & { signal?: AbortSignal };
type ForceClose = { close(options?: { force?: boolean }): void };

export interface TransportOptions {
  smtpUrl?: string;
  /** DATA_DIR/mail: used when smtpUrl is unset. */
  outboxDir: string;
  /** Pooled SMTP connections kept open (nodemailer maxConnections). */
  maxConnections?: number;
  /** Messages per connection before it is recycled (nodemailer maxMessages). */
  maxMessages?: number;
}

export function createMailTransport(opts: TransportOptions): MailTransport {
  if (!opts.smtpUrl) {
    // nodemailer builds the exact raw message it would send; the outbox stores it.
    const builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
    return {
      kind: 'outbox',
      async send(message) {
        const info = await builder.sendMail(message);
        const file = await writeToOutbox(opts.outboxDir, info.message as Buffer, message);
        return { response: `250 written to ${file}`, messageId: info.messageId };
      },
      async close() {
        builder.close();
      },
    };
  }
  const smtp = nodemailer.createTransport({
    url: opts.smtpUrl,
    pool: true,
    maxConnections: opts.maxConnections ?? 5,
    maxMessages: opts.maxMessages ?? 500,
    // Fail a dead server in seconds, not minutes: the job is retried with backoff anyway.
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });
  return {
    kind: 'smtp',
    async send(message, opts) {
      const mail: AbortableMail = { ...message, signal: opts?.signal };
      const info = await smtp.sendMail(mail);
      return { response: info.response, messageId: info.messageId };
    },
    async close() {
      // Also the connections in the middle of a delivery: close() comes once the worker gave up on them.
      (smtp as unknown as ForceClose).close({ force: true });
    },
  };
}

export type FailureKind = 'temporary' | 'permanent';

/**
 * RFC 5321: 4xx is "try again later", 5xx is "don't". No reply at all (connection refused, timeout,
 * TLS trouble) is treated as temporary; a message nodemailer cannot even build is permanent.
 */
export function classifyFailure(err: unknown): { kind: FailureKind; responseCode: number | null; response: string | null } {
  const e = err as { responseCode?: unknown; response?: unknown; code?: unknown };
  const code = typeof e?.responseCode === 'number' ? e.responseCode : null;
  const response = typeof e?.response === 'string' ? e.response : null;
  if (code !== null) return { kind: code >= 500 ? 'permanent' : 'temporary', responseCode: code, response };
  if (e?.code === 'EMESSAGE' || e?.code === 'EENVELOPE') return { kind: 'permanent', responseCode: null, response };
  return { kind: 'temporary', responseCode: null, response };
}

/**
 * Message-ID derived from the deduplication key: if a message ever has to be sent again (see the
 * at-least-once window in README), the copy carries the same id and mail clients that collapse
 * duplicates by Message-ID show it once.
 */
export function messageIdFor(dedupeKey: string, publicUrl: string): string {
  const hash = createHash('sha256').update(dedupeKey).digest('base64url').slice(0, 32);
  return `<${hash}@${new URL(publicUrl).hostname}>`;
}

/** The nodemailer message of a draft: both parts, the calendar part, inline images, and headers for automated mail. */
export function toMessage(d: Draft, opts: { from: string; messageId: string }): SendMailOptions {
  return {
    from: opts.from,
    to: d.to.name ? { name: d.to.name, address: d.to.email } : d.to.email,
    // The sender is a no-reply address; a reply reaches the contact the mail names.
    replyTo: d.replyTo ? { name: d.replyTo.name, address: d.replyTo.email } : undefined,
    subject: d.rendered.subject,
    text: d.rendered.text,
    html: d.rendered.html,
    messageId: opts.messageId,
    // base64 rather than quoted-printable: the same for every mail client, and half the CPU per message
    // (nodemailer's quoted-printable encoder was the largest cost of a send in the benchmark).
    textEncoding: 'base64',
    headers: {
      // RFC 3834: automatic mail; out-of-office replies should not answer it.
      'Auto-Submitted': 'auto-generated',
      'X-Auto-Response-Suppress': 'All',
      'Content-Language': d.locale,
      'X-Officina-Template': d.log.template,
    },
    // A text/calendar alternative with the method, plus the same as an .ics attachment (nodemailer's
    // icalEvent), so Gmail, Outlook and Apple Mail all offer to update the calendar.
    icalEvent: d.calendar ? { method: d.calendar.method, filename: t(d.locale, 'email_calendar_filename'), content: d.calendar.content } : undefined,
    // Inline images: with a cid, nodemailer puts them in a multipart/related part beside the HTML.
    attachments: d.images.map((i) => ({
      cid: i.cid,
      filename: i.filename,
      content: i.content,
      contentType: 'image/png',
      contentDisposition: 'inline' as const,
    })),
  };
}
