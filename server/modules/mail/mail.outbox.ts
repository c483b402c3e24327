// The development outbox: without SMTP_URL every message is written as DATA_DIR/mail/<id>.eml (the exact
// bytes SMTP would have carried) plus <id>.json with what /dev/mail shows, so the page never has to
// parse MIME (mailparser is a test-only dependency).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { SendMailOptions } from 'nodemailer';

export interface OutboxEntry {
  id: string;
  date: string;
  from: string;
  to: string;
  subject: string;
  template: string | null;
  messageId: string | null;
  text: string;
  html: string | null;
  calendar: string | null;
}

/** Newest first when sorted descending: a zero-padded millisecond clock, then randomness. */
const ID = /^\d{13}-[0-9a-f]{8}$/;

export function isOutboxId(id: string): boolean {
  return ID.test(id);
}

const addressText = (a: SendMailOptions['to'] | SendMailOptions['from']): string => {
  if (!a) return '';
  if (typeof a === 'string') return a;
  if (Array.isArray(a)) return a.map(addressText).join(', ');
  return a.name ? `${a.name} <${a.address}>` : (a.address ?? '');
};
const asText = (v: unknown): string | null => (typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString('utf8') : null);

export async function writeToOutbox(dir: string, raw: Buffer, message: SendMailOptions): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  const id = `${String(Date.now()).padStart(13, '0')}-${randomBytes(4).toString('hex')}`;
  const headers = (message.headers ?? {}) as Record<string, unknown>;
  const ical = message.icalEvent as { content?: unknown } | undefined;
  const entry: OutboxEntry = {
    id,
    date: new Date().toISOString(),
    from: addressText(message.from),
    to: addressText(message.to),
    subject: String(message.subject ?? ''),
    template: typeof headers['X-Officina-Template'] === 'string' ? headers['X-Officina-Template'] : null,
    messageId: message.messageId ?? null,
    text: asText(message.text) ?? '',
    html: asText(message.html),
    calendar: ical ? asText(ical.content) : null,
  };
  const file = path.join(dir, `${id}.eml`);
  await fs.writeFile(file, raw, { mode: 0o600 });
  await fs.writeFile(path.join(dir, `${id}.json`), JSON.stringify(entry), { mode: 0o600 });
  return file;
}

/** The newest `limit` messages, newest first (only the summary fields). */
export async function listOutbox(dir: string, limit = 200): Promise<Omit<OutboxEntry, 'text' | 'html' | 'calendar'>[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return [];
  }
  const ids = names
    .filter((n) => n.endsWith('.json'))
    .map((n) => n.slice(0, -5))
    .filter(isOutboxId)
    .sort()
    .reverse()
    .slice(0, limit);
  const out = [];
  for (const id of ids) {
    const e = await readOutbox(dir, id);
    if (e) out.push({ id: e.id, date: e.date, from: e.from, to: e.to, subject: e.subject, template: e.template, messageId: e.messageId });
  }
  return out;
}

export async function readOutbox(dir: string, id: string): Promise<OutboxEntry | null> {
  if (!isOutboxId(id)) return null;
  try {
    return JSON.parse(await fs.readFile(path.join(dir, `${id}.json`), 'utf8')) as OutboxEntry;
  } catch {
    return null;
  }
}

export async function readOutboxRaw(dir: string, id: string): Promise<Buffer | null> {
  if (!isOutboxId(id)) return null;
  try {
    return await fs.readFile(path.join(dir, `${id}.eml`));
  } catch {
    return null;
  }
}

async function outboxIds(dir: string): Promise<string[]> {
  try {
    return (await fs.readdir(dir))
      .filter((n) => n.endsWith('.json'))
      .map((n) => n.slice(0, -5))
      .filter(isOutboxId);
  } catch {
    return [];
  }
}

async function removeMessage(dir: string, id: string): Promise<void> {
  await fs.rm(path.join(dir, `${id}.eml`), { force: true });
  await fs.rm(path.join(dir, `${id}.json`), { force: true });
}

/**
 * The development outbox is a copy of what people were sent (names, manage links): it is not kept
 * forever. Ids start with the millisecond they were written, so age needs no file read.
 */
export async function purgeOutbox(dir: string, before: Date): Promise<number> {
  let removed = 0;
  for (const id of await outboxIds(dir)) {
    if (Number(id.slice(0, 13)) < before.getTime()) {
      await removeMessage(dir, id);
      removed += 1;
    }
  }
  return removed;
}

/** Erasure of a person: the outbox messages addressed to them go too. */
export async function forgetOutboxRecipients(dir: string, emails: readonly string[]): Promise<number> {
  if (emails.length === 0) return 0;
  const wanted = new Set(emails.map((e) => e.toLowerCase()));
  let removed = 0;
  for (const id of await outboxIds(dir)) {
    const entry = await readOutbox(dir, id);
    const to = (entry?.to ?? '').toLowerCase();
    if ([...wanted].some((e) => to === e || to.includes(`<${e}>`))) {
      await removeMessage(dir, id);
      removed += 1;
    }
  }
  return removed;
}
