// The shared frame of every mail and the blocks templates are made of. Each block yields its HTML and
// its plain text together, so the two parts of a message can never say different things.
//
// HTML choices: Outlook for Windows draws mail with Word, which ignores max-width, padding on links and
// most of CSS layout, so the frame is tables (role="presentation", so screen readers read no table),
// 600 px wide there through an MSO conditional table and fluid elsewhere (width:100%; max-width:600px);
// buttons are "bulletproof" (a coloured table cell, so they are buttons with images off and in Word too);
// inline styles only (Gmail drops <style> in many cases); no remote images or web fonts (blocked by
// default and a tracking vector), system fonts, dark text on white with enough contrast (WCAG AA), links
// that show their address where the address matters and may break anywhere so a phone never scrolls sideways.
import { t, type MessageKey } from '../server/lib/i18n.ts';
import { pagePath, pageUrl } from '../server/lib/site.urls.ts';
import { formatWhen, placeLines } from './format.ts';
import type { ContactInfo, Locale, SessionInfo, Site } from './types.ts';

export interface Block {
  html: string;
  text: string;
}

const BLUE = '#0059b3';
const MUTED = '#4d5d6e';
const TEXT = '#1a1a1a';
const FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
/** Attributes every layout table carries: no table semantics, no spacing Outlook would add of its own. */
const TABLE = 'role="presentation" cellpadding="0" cellspacing="0" border="0"';

/** A full-width box of one cell: the only box whose padding, border and background Outlook keeps. */
function box(html: string, style: string): string {
  return `<table ${TABLE} width="100%" style="width:100%;border-collapse:collapse"><tr><td style="${style}">${html}</td></tr></table>`;
}

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Multi-line text typed by a person: escaped, line breaks kept. */
function escLines(s: string): string {
  return esc(s).replace(/\r?\n/g, '<br>');
}

/** Only absolute http(s) and webcal links leave a template; anything else is a bug, not a link. */
function href(url: string): string {
  if (!/^(https?|webcal):\/\//i.test(url)) throw new Error(`email link must be absolute: ${url}`);
  return esc(url);
}

export function paragraph(text: string): Block {
  return { html: `<p style="margin:0 0 16px">${escLines(text)}</p>`, text };
}

export function heading(text: string): Block {
  return {
    html: `<h2 style="margin:24px 0 8px;font-size:18px;line-height:1.3;color:#1a1a1a">${esc(text)}</h2>`,
    text: `${text}\n${'-'.repeat(Math.min(text.length, 60))}`,
  };
}

export function note(text: string): Block {
  return { html: `<p style="margin:0 0 16px;font-size:14px;color:${MUTED}">${escLines(text)}</p>`, text };
}

/**
 * A link drawn as a button that Outlook's Word engine draws too: the colour and the padding sit on the
 * table cell (mso-padding-alt), the link repeats them for every other client so the whole button is the link.
 */
function buttonHtml(label: string, url: string, kind: 'primary' | 'secondary'): string {
  const bg = kind === 'primary' ? BLUE : '#ffffff';
  const fg = kind === 'primary' ? '#ffffff' : BLUE;
  return (
    `<table ${TABLE} style="border-collapse:separate"><tr>` +
    `<td align="center" bgcolor="${bg}" style="background:${bg};border:2px solid ${BLUE};border-radius:4px;mso-padding-alt:10px 18px">` +
    `<a href="${href(url)}" style="display:inline-block;padding:10px 18px;${FONT};font-size:16px;line-height:20px;font-weight:bold;` +
    `color:${fg};background:${bg};border-radius:4px;text-decoration:none">${esc(label)}</a></td></tr></table>`
  );
}

/** The one action that matters in this mail, as a button (no image, works with images off). */
export function button(label: string, url: string): Block {
  return { html: box(buttonHtml(label, url, 'primary'), 'padding:8px 0 20px'), text: `${label}:\n${url}` };
}

/**
 * Several actions of equal weight (the ways to add a calendar), one under the other: side by side they
 * would not fit a phone, and Outlook cannot wrap them. The first one is filled, the others outlined.
 */
export function buttons(items: { label: string; url: string }[]): Block {
  return {
    html: box(items.map((b, i) => box(buttonHtml(b.label, b.url, i === 0 ? 'primary' : 'secondary'), 'padding:0 0 8px')).join(''), 'padding:8px 0 12px'),
    text: items.map((b) => `${b.label}:\n${b.url}`).join('\n\n'),
  };
}

/** A label and a link that shows its own address (for addresses people copy, like a calendar feed). */
export function linkLine(label: string, url: string): Block {
  return {
    html: `<p style="margin:0 0 12px">${esc(label)}<br><a href="${href(url)}" style="color:${BLUE};word-break:break-all">${esc(url)}</a></p>`,
    text: `${label}\n${url}`,
  };
}

/**
 * An image attached to the message itself (a Content-ID), never fetched from a server. In the text part
 * it is the address it stands for, so nothing is lost without images.
 */
export function inlineImage(cid: string, alt: string, size: number, label: string, url: string): Block {
  return {
    html:
      `<p style="margin:0 0 8px"><img src="cid:${esc(cid)}" width="${size}" height="${size}" alt="${esc(alt)}" style="display:block;border:0"></p>` +
      `<p style="margin:0 0 12px;font-size:14px;color:${MUTED}">${esc(label)}<br><a href="${href(url)}" style="color:${BLUE};word-break:break-all">${esc(url)}</a></p>`,
    text: `${label}\n${url}`,
  };
}

/** Text written by someone else (an organiser), set apart and escaped. */
export function quote(text: string): Block {
  const paras = text.trim().split(/\r?\n\s*\r?\n/);
  return {
    html: box(
      box(paras.map((p) => `<p style="margin:12px 0">${escLines(p)}</p>`).join(''), 'padding:4px 16px;border-left:3px solid #c5d0db'),
      'padding:0 0 16px',
    ),
    text: paras.join('\n\n'),
  };
}

export function bulletList(items: Block[]): Block {
  return {
    html: `<ul style="margin:0 0 16px;padding-left:20px">${items.map((i) => `<li style="margin:0 0 8px">${i.html}</li>`).join('')}</ul>`,
    text: items.map((i) => `- ${i.text.replace(/\n/g, '\n  ')}`).join('\n'),
  };
}

/** Inline link for use inside a list item. */
export function inlineLink(label: string, url: string): Block {
  return { html: `<a href="${href(url)}" style="color:${BLUE}">${esc(label)}</a>`, text: `${label}: ${url}` };
}

/** One meeting: title, when, where; cancelled ones struck through and marked in words (not colour alone). */
export function sessionCard(s: SessionInfo, locale: Locale, site: Site, opts: { label?: string } = {}): Block {
  const when = formatWhen(s.startsAt, s.endsAt, locale, site.timezone);
  const cancelled = s.status === 'cancelled';
  const title = opts.label ? `${opts.label}: ${s.title}` : s.title;
  const places = cancelled ? [] : placeLines(s, locale);
  const htmlPlaces = places
    .map((p) => `<br>${esc(p.label)}: ${p.href ? `<a href="${href(p.href)}" style="color:${BLUE};word-break:break-all">${esc(p.value)}</a>` : esc(p.value)}`)
    .join('');
  const status = cancelled ? ` (${t(locale, 'email_session_cancelled_mark')})` : '';
  return {
    html: box(
      box(
        `<strong>${esc(title)}</strong>${esc(status)}<br>` +
          `<span${cancelled ? ' style="text-decoration:line-through"' : ''}>${esc(when)}</span>${htmlPlaces}`,
        `padding:8px 12px;border-left:3px solid ${cancelled ? '#8a8a8a' : BLUE};background:#f4f7fb`,
      ),
      'padding:0 0 12px',
    ),
    text: [`${title}${status}`, `  ${when}`, ...places.map((p) => `  ${p.label}: ${p.value}`)].join('\n'),
  };
}

export function sessionList(sessions: SessionInfo[], locale: Locale, site: Site): Block {
  const cards = sessions.map((s) => sessionCard(s, locale, site));
  return { html: cards.map((c) => c.html).join(''), text: cards.map((c) => c.text).join('\n\n') };
}

export type FooterKind = 'participant' | 'organiser' | 'links' | 'personal-data';

const FOOTER: Record<FooterKind, MessageKey> = {
  participant: 'email_footer_participant',
  organiser: 'email_footer_organiser',
  links: 'email_footer_links',
  'personal-data': 'email_footer_personal_data',
};

export interface LayoutInput {
  locale: Locale;
  site: Site;
  /** The headline, also the HTML <title>. */
  title: string;
  /** The line mail clients show next to the subject. */
  preheader: string;
  greeting?: string;
  blocks: Block[];
  footer: FooterKind;
  /** Whom to write to with a question (the message's Reply-To); without one the footer says not to reply. */
  contact: ContactInfo | null;
}

/**
 * "Per domande scrivi a Nome (basta rispondere a questa email): indirizzo, oppure chiama il numero", the
 * address and the phone as links people can tap. Without a contact nobody reads replies: the mail says so.
 */
function contactLine(c: ContactInfo | null, locale: Locale): Block {
  if (!c) {
    const noReply = t(locale, 'email_no_reply');
    return { html: `<p style="margin:0 0 8px">${esc(noReply)}</p>`, text: noReply };
  }
  const intro = t(locale, 'email_contact', { name: c.name });
  const call = c.phone ? t(locale, 'email_contact_phone') : '';
  const tel = c.phone ? c.phone.replace(/[^+0-9]/g, '') : '';
  return {
    html:
      `<p style="margin:0 0 8px">${esc(intro)} <a href="mailto:${esc(c.email)}" style="color:${MUTED}">${esc(c.email)}</a>` +
      (c.phone ? `, ${esc(call)} <a href="tel:${esc(tel)}" style="color:${MUTED}">${esc(c.phone)}</a>` : '') +
      `</p>`,
    text: `${intro} ${c.email}${c.phone ? `, ${call} ${c.phone}` : ''}`,
  };
}

export function layout(input: LayoutInput): { html: string; text: string } {
  const { locale, site } = input;
  const blocks = input.greeting ? [paragraph(input.greeting), ...input.blocks] : input.blocks;
  const footer = t(locale, FOOTER[input.footer]);
  const contact = contactLine(input.contact, locale);
  // The catalogue and the privacy notice in the reader's language.
  const home = pageUrl(site.publicUrl, pagePath.catalogue(), locale);
  const privacyLabel = t(locale, 'email_privacy');
  const privacy = pageUrl(site.publicUrl, pagePath.privacy(), locale);
  const html =
    `<!DOCTYPE html><html lang="${locale}" xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="x-apple-disable-message-reformatting">` +
    `<meta name="color-scheme" content="light"><meta name="supported-color-schemes" content="light">` +
    `<title>${esc(input.title)}</title>` +
    // Outlook for Windows scales images by the screen's DPI unless told the layout is at 96 dpi.
    `<!--[if mso]><noscript><xml><o:OfficeDocumentSettings><o:PixelsPerInch>96</o:PixelsPerInch></o:OfficeDocumentSettings></xml></noscript><![endif]-->` +
    `</head>` +
    `<body style="margin:0;padding:0;background:#eef1f5;word-spacing:normal">` +
    `<div style="display:none;max-height:0;overflow:hidden;mso-hide:all">${esc(input.preheader)}</div>` +
    `<table ${TABLE} width="100%" style="width:100%;border-collapse:collapse;background:#eef1f5"><tr><td align="center" style="padding:24px 12px">` +
    // Word ignores max-width: there the column is a fixed 600 px table; everywhere else it is fluid.
    `<!--[if mso]><table ${TABLE} width="600" align="center"><tr><td><![endif]-->` +
    `<table ${TABLE} width="100%" style="width:100%;max-width:600px;margin:0 auto;border-collapse:collapse;${FONT};font-size:16px;line-height:1.5;color:${TEXT}">` +
    `<tr><td bgcolor="#ffffff" style="background:#ffffff;border-top:4px solid ${BLUE};border-radius:4px;padding:24px;${FONT};font-size:16px;line-height:1.5;color:${TEXT}">` +
    `<p style="margin:0 0 8px;font-size:14px;font-weight:bold;color:${MUTED}">Officina</p>` +
    `<h1 style="margin:0 0 20px;font-size:22px;line-height:1.3;color:${TEXT}">${esc(input.title)}</h1>` +
    blocks.map((b) => b.html).join('') +
    `</td></tr>` +
    `<tr><td style="padding:16px 8px;${FONT};font-size:13px;line-height:1.5;color:${MUTED}">` +
    `<p style="margin:0 0 8px">${esc(footer)}</p>` +
    contact.html +
    `<p style="margin:0"><a href="${href(home)}" style="color:${MUTED}">${esc(home.replace(/^https?:\/\//, '').replace(/\/$/, ''))}</a>` +
    ` · <a href="${href(privacy)}" style="color:${MUTED}">${esc(privacyLabel)}</a></p>` +
    `</td></tr></table>` +
    `<!--[if mso]></td></tr></table><![endif]-->` +
    `</td></tr></table></body></html>`;
  const text = [
    input.title,
    '='.repeat(Math.min(input.title.length, 60)),
    '',
    blocks.map((b) => b.text).join('\n\n'),
    '',
    '-- ',
    footer,
    contact.text,
    home,
    `${privacyLabel}: ${privacy}`,
    '',
  ].join('\n');
  return { html, text };
}
