// The two check-in secrets.
//
// QR: the check-in code `<registration id>.<HMAC(secret, "checkin:<id>:<token version>")>` — opaque (no
// name, no email), verified by recomputing the HMAC, and rotated together with the manage link (the
// token version). The QR carries it inside an address on PUBLIC_URL (pagePath.checkInPass), so a phone's
// own camera app opens a page instead of showing a string; QRs printed or mailed before carry the bare
// code, and the organiser's scanner accepts both.
//
// Self check-in code: 6 digits derived from HMAC(secret, "checkin-code:<session id>") with HOTP's
// dynamic truncation (RFC 4226). One code per session, shown on the projector for the whole meeting;
// it is accepted only from 30 minutes before the start to the end of that session, and only from
// someone registered to that cycle, whose wrong guesses are throttled (see attendance.service.ts).
import { pagePath, pageUrl } from '../../lib/site.urls.ts';
import type { TokenKit } from '../../lib/tokens.ts';

export const CODE_OPENS_BEFORE_MS = 30 * 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function sessionCode(tokens: TokenKit, sessionId: string): string {
  const mac = Buffer.from(tokens.token('checkin-code', sessionId, 1), 'base64url');
  const offset = mac[mac.length - 1]! & 0x0f;
  const n = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(n % 1_000_000).padStart(6, '0');
}

export function codeWindow(session: { starts_at: Date | string; ends_at: Date | string }) {
  return {
    validFrom: markingOpensAt(session),
    validUntil: new Date(session.ends_at),
  };
}

/**
 * When presence can first be marked at a meeting, by anyone: the opening of its self check-in window.
 * The organiser's marks have no end (a record is corrected after the meeting); the self check-in has.
 */
export function markingOpensAt(session: { starts_at: Date | string }): Date {
  return new Date(new Date(session.starts_at).getTime() - CODE_OPENS_BEFORE_MS);
}

export function checkInCode(tokens: TokenKit, registrationId: string, tokenVersion: number): string {
  return `${registrationId}.${tokens.token('checkin', registrationId, tokenVersion)}`;
}

/**
 * What a participant's QR encodes: the address of their check-in code on this site, as the page in the
 * person's language when it is known (a mail in English opens the English page).
 */
export function qrPayload(tokens: TokenKit, publicUrl: string, registrationId: string, tokenVersion: number, locale: 'it' | 'en' = 'it'): string {
  return pageUrl(publicUrl, pagePath.checkInPass(checkInCode(tokens, registrationId, tokenVersion)), locale);
}

const CODE = /^([0-9a-fA-F-]{36})\.([A-Za-z0-9_-]{43})$/;
// The address form, on any host (a site that moved keeps its printed QRs) and in either language; the
// HMAC, not the host, is what makes a code ours.
const PASS_URL = /^https?:\/\/[^/?#]+(?:\/en)?\/qr\/([^/?#]+)\/?(?:[?#].*)?$/i;

/** The check-in code in a QR's text (an address or the bare code), or null when it holds neither. */
export function codeOfQr(qr: string): string | null {
  const text = qr.trim();
  if (CODE.test(text)) return text;
  const m = PASS_URL.exec(text);
  if (!m) return null;
  try {
    const code = decodeURIComponent(m[1]!);
    return CODE.test(code) ? code : null;
  } catch {
    return null;
  }
}

/** The registration id a QR claims, or null when it isn't shaped like one of ours. */
export function parseQr(qr: string): { registrationId: string; mac: string } | null {
  const code = codeOfQr(qr);
  const m = code === null ? null : CODE.exec(code);
  if (!m || !UUID.test(m[1]!)) return null;
  return { registrationId: m[1]!.toLowerCase(), mac: m[2]! };
}
