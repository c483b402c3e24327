// Secret tokens for links (manage link, private calendar feed): 256 random bits from the CSPRNG,
// base64url-encoded (43 characters). Only their SHA-256 is stored, so a database leak reveals no link.
import { createHash, randomBytes } from 'node:crypto';

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function newToken(): { token: string; hash: Buffer } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Malformed tokens are answered exactly like unknown ones (404), so checking the shape first only saves a query. */
export function isWellFormedToken(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}
