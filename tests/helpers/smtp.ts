// A real SMTP server for tests (smtp-server), listening on 127.0.0.1 on a free port. It keeps every
// message it accepted (raw, and parsed with mailparser unless told not to), counts how many times each
// Message-ID was offered, and can refuse on demand (451 for a while, 550 for good) to exercise retries.
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface SinkMessage {
  raw: Buffer;
  /** Present unless the sink was started with parse: false. */
  parsed: ParsedMail | null;
  messageId: string;
  to: string[];
  receivedAt: number;
}

export interface Offer {
  messageId: string;
  to: string[];
  /** 1 for the first time this Message-ID reaches DATA. */
  attempt: number;
  raw: Buffer;
}

export interface SmtpSinkOptions {
  /** Return a reply code (and text) to refuse this message; undefined accepts it. */
  respond?: (offer: Offer) => { code: number; message?: string } | undefined;
  /** Parse accepted messages with mailparser (default true; off for the benchmark). */
  parse?: boolean;
  /** Keep the raw bytes (default true). */
  keepRaw?: boolean;
  /** Wait this long before answering each DATA (a slow server, to catch a worker mid-batch). */
  delayMs?: number;
  /**
   * Awaited after the whole message arrived and before the reply (after delayMs): a fault test's moment
   * "the server is about to accept", or a server that hangs (a promise that resolves late or never).
   */
  beforeReply?: (offer: Offer) => Promise<void> | void;
}

export interface SmtpSink {
  url: string;
  port: number;
  /** Accepted messages, in arrival order. */
  messages: SinkMessage[];
  /** Every DATA attempt per Message-ID, accepted or not. */
  offers: Map<string, number>;
  accepted: number;
  refused: number;
  /** Message-IDs accepted more than once, with their counts. */
  duplicates(): { messageId: string; count: number }[];
  to(address: string): SinkMessage[];
  waitFor(predicate: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** The Message-ID header of a raw message, without parsing the rest. */
export function headerMessageId(raw: Buffer): string {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, end < 0 ? raw.length : end).toString('latin1');
  const m = /^message-id:\s*(\S+)/im.exec(head);
  return m ? m[1]! : '';
}

export async function waitUntil(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const parse = options.parse ?? true;
  const keepRaw = options.keepRaw ?? true;
  const messages: SinkMessage[] = [];
  const offers = new Map<string, number>();
  const acceptedIds = new Map<string, number>();
  let accepted = 0;
  let refused = 0;

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    size: 20 * 1024 * 1024,
    maxClients: 200,
    closeTimeout: 500,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', callback);
      stream.on('end', () => {
        void (async () => {
          const raw = Buffer.concat(chunks);
          const messageId = headerMessageId(raw);
          const to = session.envelope.rcptTo.map((r) => r.address);
          const attempt = (offers.get(messageId) ?? 0) + 1;
          offers.set(messageId, attempt);
          if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
          await options.beforeReply?.({ messageId, to, attempt, raw });
          const verdict = options.respond?.({ messageId, to, attempt, raw });
          if (verdict) {
            refused += 1;
            const err = Object.assign(new Error(verdict.message ?? (verdict.code >= 500 ? 'Mailbox unavailable' : 'Try again later')), {
              responseCode: verdict.code,
            });
            callback(err);
            return;
          }
          accepted += 1;
          acceptedIds.set(messageId, (acceptedIds.get(messageId) ?? 0) + 1);
          const parsed = parse ? await simpleParser(raw) : null;
          messages.push({ raw: keepRaw ? raw : Buffer.alloc(0), parsed, messageId, to, receivedAt: Date.now() });
          callback(null, `Queued as ${accepted}`);
        })().catch(callback);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.on('error', () => {
    /* a client dropping a connection is not the test's concern */
  });
  const port = ((server as unknown as { server: { address(): AddressInfo } }).server.address() as AddressInfo).port;

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    offers,
    get accepted() {
      return accepted;
    },
    get refused() {
      return refused;
    },
    duplicates() {
      return [...acceptedIds].filter(([, n]) => n > 1).map(([messageId, count]) => ({ messageId, count }));
    },
    to(address) {
      return messages.filter((m) => m.to.includes(address));
    },
    waitFor(predicate, what, timeoutMs) {
      return waitUntil(predicate, what, timeoutMs);
    },
    close() {
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
