// The /dev/mail pages: the development outbox as a list (newest first) and one message with its subject,
// recipients, text part and HTML part (in a sandboxed iframe: no scripts, no same-origin access).
import { esc } from '../../../emails/layout.ts';
import { listOutbox, readOutbox, type OutboxEntry } from './mail.outbox.ts';

const PAGE_STYLE =
  'body{font-family:system-ui,sans-serif;margin:0 auto;max-width:1000px;padding:16px;color:#1a1a1a}' +
  'table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #ddd;vertical-align:top}' +
  'pre{white-space:pre-wrap;background:#f4f4f4;padding:12px;border-radius:4px}iframe{width:100%;height:70vh;border:1px solid #ccc}' +
  'a{color:#0059b3}.muted{color:#555;font-size:14px}';

function page(title: string, body: string): string {
  return (
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="robots" content="noindex"><title>${esc(title)}</title><style>${PAGE_STYLE}</style></head><body>${body}</body></html>`
  );
}

export async function outboxListPage(dir: string, mode: 'smtp' | 'outbox'): Promise<string> {
  const entries = await listOutbox(dir);
  const note =
    mode === 'smtp'
      ? '<p class="muted">SMTP_URL is set: new mail goes to that server. Below: what an earlier run without SMTP_URL wrote here.</p>'
      : `<p class="muted">SMTP_URL is not set: every email is written to ${esc(dir)} and shown here. Newest first.</p>`;
  const rows = entries
    .map(
      (e) =>
        `<tr><td class="muted">${esc(e.date.replace('T', ' ').slice(0, 19))}</td><td>${esc(e.to)}</td>` +
        `<td><a href="/dev/mail/${esc(e.id)}">${esc(e.subject || '(no subject)')}</a></td><td class="muted">${esc(e.template ?? '')}</td></tr>`,
    )
    .join('');
  const table = entries.length
    ? `<table><thead><tr><th>Date (UTC)</th><th>To</th><th>Subject</th><th>Template</th></tr></thead><tbody>${rows}</tbody></table>`
    : '<p>No email yet.</p>';
  return page('Development mail', `<h1>Development mail</h1>${note}${table}`);
}

export async function outboxMessagePage(dir: string, id: string): Promise<string | null> {
  const e = await readOutbox(dir, id);
  if (!e) return null;
  return page(
    e.subject,
    `<p><a href="/dev/mail">← all mail</a></p><h1>${esc(e.subject)}</h1>` +
      `<table><tbody>` +
      `<tr><th>From</th><td>${esc(e.from)}</td></tr><tr><th>To</th><td>${esc(e.to)}</td></tr>` +
      `<tr><th>Date (UTC)</th><td>${esc(e.date)}</td></tr><tr><th>Message-ID</th><td>${esc(e.messageId ?? '')}</td></tr>` +
      `<tr><th>Template</th><td>${esc(e.template ?? '')}</td></tr>` +
      `<tr><th>Raw</th><td><a href="/dev/mail/${esc(e.id)}/raw">${esc(e.id)}.eml</a></td></tr>` +
      `</tbody></table>` +
      (e.html ? `<h2>HTML part</h2><iframe sandbox title="HTML part" src="/dev/mail/${esc(e.id)}/html"></iframe>` : '') +
      `<h2>Text part</h2><pre>${esc(e.text)}</pre>` +
      (e.calendar ? `<h2>Calendar part</h2><pre>${esc(e.calendar)}</pre>` : ''),
  );
}

export async function outboxMessageHtml(dir: string, id: string): Promise<OutboxEntry['html']> {
  const e = await readOutbox(dir, id);
  return e?.html ?? null;
}
