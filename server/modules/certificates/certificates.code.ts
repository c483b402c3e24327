// Verification codes: 12 characters drawn from a CSPRNG over 32 letters and digits without look-alikes
// (no 0/O, 1/I/L), 60 bits: far beyond guessing, short enough to type from paper. A code is only ever
// valid because a row holds it, so an invented or altered one finds nothing.
import { randomBytes } from 'node:crypto';

export const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const CODE_LENGTH = 12;
const SHAPE = new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`);

export function newCode(): string {
  // 256 is a multiple of 32: taking 5 bits of each byte keeps every letter equally likely.
  return [...randomBytes(CODE_LENGTH)].map((b) => CODE_ALPHABET[b & 31]).join('');
}

/** A code as typed or read from paper (any case, spaces or dashes between groups), or null if it can't be one. */
export function normaliseCode(input: string): string | null {
  const code = input.replace(/[\s-]/g, '').toUpperCase();
  return SHAPE.test(code) ? code : null;
}
