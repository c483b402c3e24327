// The two check-in secrets.
//
// QR: `<registration id>.<HMAC(secret, "checkin:<id>:<token version>")>` — opaque (no name, no email),
// verified by recomputing the HMAC, and rotated together with the manage link (the token version).
//
// Self check-in code: 6 digits derived from HMAC(secret, "checkin-code:<session id>") with HOTP's
// dynamic truncation (RFC 4226). One code per session, shown on the projector for the whole meeting;
// it is accepted only from 30 minutes before the start to the end of that session, and only from
// someone registered to that cycle, whose wrong guesses are throttled (see attendance.service.ts).
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
    validFrom: new Date(new Date(session.starts_at).getTime() - CODE_OPENS_BEFORE_MS),
    validUntil: new Date(session.ends_at),
  };
}

export function qrPayload(tokens: TokenKit, registrationId: string, tokenVersion: number): string {
  return `${registrationId}.${tokens.token('checkin', registrationId, tokenVersion)}`;
}

/** The registration id a QR claims, or null when it isn't shaped like one of ours. */
export function parseQr(qr: string): { registrationId: string; mac: string } | null {
  const m = /^([0-9a-fA-F-]{36})\.([A-Za-z0-9_-]{43})$/.exec(qr.trim());
  if (!m || !UUID.test(m[1]!)) return null;
  return { registrationId: m[1]!.toLowerCase(), mac: m[2]! };
}
