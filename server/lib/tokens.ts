// Secret tokens in links (the manage link, the private calendar feed).
//
// A token is HMAC-SHA256(server secret, purpose:registration id:version), base64url (43 characters,
// 256 bits). The database stores only SHA-256(token), so a copy of the database reveals no link
// (OWASP ASVS 6.5.2 / 11.5.1); the secret (SECRET_KEY, or DATA_DIR/secret.key made from 256 CSPRNG bits
// on first start) never enters the database. Deriving instead of storing a random token lets mails sent
// later (reminders, "you are off the waiting list", "send me my links") carry the same link, and a
// rotation is a version bump: the old token no longer hashes to anything stored.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

// checkin: the registration's QR for check-in; checkin-code: the short self check-in code of a session
// (id = session id); csrf: the CSRF token of a sign-in session (id = the session's cookie value);
// personal-data: the one-time link to a person's whole data (id = the request's random id, version 0).
export type TokenPurpose = 'manage' | 'calendar' | 'checkin' | 'checkin-code' | 'csrf' | 'personal-data';

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Malformed tokens are answered exactly like unknown ones (404); the shape check only saves a query. */
export function isWellFormedToken(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}

export interface TokenKit {
  token(purpose: TokenPurpose, id: string, version: number): string;
  /** The token and the hash to store for it. */
  issue(purpose: TokenPurpose, id: string, version: number): { token: string; hash: Buffer };
  /** Constant-time comparison of a presented token with the expected one. */
  matches(presented: string, expected: string): boolean;
}

export function tokenKit(secret: Buffer): TokenKit {
  if (secret.length < 32) throw new Error('the token secret must be at least 32 bytes');
  const token = (purpose: TokenPurpose, id: string, version: number) => createHmac('sha256', secret).update(`${purpose}:${id}:${version}`).digest('base64url');
  return {
    token,
    issue(purpose, id, version) {
      const t = token(purpose, id, version);
      return { token: t, hash: hashToken(t) };
    },
    matches(presented, expected) {
      const a = Buffer.from(presented);
      const b = Buffer.from(expected);
      return a.length === b.length && timingSafeEqual(a, b);
    },
  };
}
